package com.xonovex.agentoperator.resolve;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Pattern;

/** Parses Go-style durations ("90s", "30m", "1h30m", "1.5h"), the format the CRDs accept. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|ms|s|m|h)");

    private Durations() {
    }

    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        var matcher = PART.matcher(text);
        var nanos = BigDecimal.ZERO;
        int end = 0;
        while (matcher.find()) {
            if (matcher.start() != end) {
                break;
            }
            end = matcher.end();
            var unitNanos = switch (matcher.group(2)) {
                case "ns" -> 1L;
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos = nanos.add(new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(unitNanos)));
        }
        if (end != text.length()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        return Duration.ofNanos(nanos.longValueExact());
    }
}
