package dev.levee.exporter;

import java.util.List;

/**
 * How an exporter is doing, with reasons and advice computed from its counters and their rates.
 *
 * @param state OK, DEGRADED (working, but something needs attention) or FAILING (losing data, or
 *     no backend takes requests)
 * @param reasons what led to the state, most serious first; empty when OK
 * @param advice what to do about it, one line per reason that has a remedy
 */
public record LeveeHealth(State state, List<String> reasons, List<String> advice) {

  /** The three states, from best to worst. */
  public enum State {
    OK,
    DEGRADED,
    FAILING
  }

  public LeveeHealth {
    reasons = List.copyOf(reasons);
    advice = List.copyOf(advice);
  }

  /** One line: the state, then reasons and advice. */
  public String describe() {
    StringBuilder text = new StringBuilder(state.name());
    if (!reasons.isEmpty()) {
      text.append(": ").append(String.join("; ", reasons));
    }
    if (!advice.isEmpty()) {
      text.append(". Advice: ").append(String.join("; ", advice));
    }
    return text.toString();
  }
}
