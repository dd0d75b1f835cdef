package dev.levee.exporter.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.ListJournal;
import dev.levee.exporter.internal.management.PipelineStats;
import io.opentelemetry.sdk.testing.time.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JournalFeedTest {
  private final TestClock clock = TestClock.create();
  private final JournalFeed feed = new JournalFeed(new PipelineStats(Signal.SPANS), clock);

  @Test
  void aFailedJournalRequestsRetryIsDueOnceAndNotForeverAfter() {
    feed.attach(new ListJournal(), ChunkJournal.ReadOrder.OLDEST_FIRST);
    assertThat(feed.retryDueInNanos()).isEqualTo(Long.MAX_VALUE);

    feed.failed(clock.nanoTime() + Duration.ofMillis(200).toNanos());
    assertThat(feed.retryDueInNanos()).isEqualTo(Duration.ofMillis(200).toNanos());
    clock.advance(Duration.ofMillis(150));
    assertThat(feed.retryDueInNanos()).isEqualTo(Duration.ofMillis(50).toNanos());

    // Past the due time, whether or not the backlog was asked for since, nothing waits any more:
    // a due time left in the past would have the dispatcher park for a nanosecond over and over.
    clock.advance(Duration.ofMillis(60));
    assertThat(feed.retryDueInNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(feed.retryDueInNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(feed.readable()).isTrue();
  }
}
