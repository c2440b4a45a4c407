package com.xonovex.agentoperator.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({ "30m,1800", "1h,3600", "1h30m,5400", "90s,90", "1.5h,5400", "168h,604800", "1m30s,90" })
    void parsesGoStyleDurations(String text, long seconds) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "1", "h", "1d", "30 m", "-1h", "1h-", "PT1H" })
    void refusesWhatIsNotAGoDuration(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
