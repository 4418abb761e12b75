package dev.camelmsnftp.transfer;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The memory of lately ended transfers is bounded in time and in size. */
class RecentlyEndedTest {

    @Test
    void aKeyIsForgottenOnceItsTimeIsUp() {
        RecentlyEnded ended = new RecentlyEnded(Duration.ofMillis(200), 100);
        ended.add("alice/1");
        assertThat(ended.contains("alice/1")).isTrue();
        assertThat(ended.contains("alice/2")).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> !ended.contains("alice/1"));
        assertThat(ended.size()).isZero();
    }

    @Test
    void beyondItsLimitTheOldestKeysGoFirst() {
        RecentlyEnded ended = new RecentlyEnded(Duration.ofMinutes(1), 3);
        for (int i = 1; i <= 5; i++) {
            ended.add("alice/" + i);
        }
        assertThat(ended.size()).isEqualTo(3);
        assertThat(ended.contains("alice/1")).isFalse();
        assertThat(ended.contains("alice/2")).isFalse();
        assertThat(ended.contains("alice/5")).isTrue();
        ended.add("alice/3");
        ended.add("alice/6");
        assertThat(ended.contains("alice/3")).as("added again: the newest").isTrue();
        assertThat(ended.contains("alice/4")).isFalse();
    }
}
