package com.xonovex.agentoperator.agent;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Optional limits of one run, each null when not set. They reach the CLI as arguments (never through a shell), and
 * are checked here too so that no value can read as another option: {@code maxTurns} at least 1,
 * {@code maxBudgetUSD} a plain decimal above zero (Claude Code refuses zero).
 */
public record Limits(Integer maxTurns, String maxBudgetUSD) {
    public static final Limits NONE = new Limits(null, null);
    /** Up to 9 integer and 12 fraction digits, as in a run's result. */
    public static final Pattern DECIMAL = Pattern.compile("^[0-9]{1,9}(\\.[0-9]{1,12})?$");

    public Limits {
        if (maxTurns != null && maxTurns < 1) {
            throw new IllegalArgumentException("maxTurns must be at least 1: " + maxTurns);
        }
        if (maxBudgetUSD != null && (!DECIMAL.matcher(maxBudgetUSD).matches()
                || new BigDecimal(maxBudgetUSD).signum() <= 0)) {
            throw new IllegalArgumentException("maxBudgetUSD must be a decimal above 0 such as 2.50: " + maxBudgetUSD);
        }
    }
}
