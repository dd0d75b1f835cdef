package dev.levee.exporter.internal;

import java.util.Locale;
import java.util.Objects;

/**
 * Parses a setting whose values are an enum's constants in lower case ({@code write_ahead} for
 * {@code WRITE_AHEAD}), once, at the edge. Internal, may change.
 */
public final class Choices {
  private Choices() {}

  /**
   * The constant named {@code value}.
   *
   * @throws IllegalArgumentException naming the setting, the accepted values and the bad value
   */
  public static <E extends Enum<E>> E parse(Class<E> type, String setting, String value) {
    Objects.requireNonNull(value, setting);
    for (E constant : type.getEnumConstants()) {
      if (name(constant).equals(value)) {
        return constant;
      }
    }
    throw new IllegalArgumentException(
        setting + " must be " + accepted(type) + ", was '" + value + "'");
  }

  /** The configuration name of a constant: its name in lower case. */
  public static String name(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  /** Every constant's configuration name, in declaration order. */
  public static String[] names(Class<? extends Enum<?>> type) {
    Enum<?>[] constants = type.getEnumConstants();
    String[] names = new String[constants.length];
    for (int i = 0; i < constants.length; i++) {
      names[i] = name(constants[i]);
    }
    return names;
  }

  /** The accepted values, e.g. {@code off, overflow or write_ahead}. */
  public static String accepted(Class<? extends Enum<?>> type) {
    Enum<?>[] constants = type.getEnumConstants();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < constants.length; i++) {
      if (i > 0) {
        text.append(i == constants.length - 1 ? " or " : ", ");
      }
      text.append(name(constants[i]));
    }
    return text.toString();
  }
}
