package com.xonovex.agentoperator.policy;

/**
 * A rule of the namespace's AgentPolicy that a run breaks.
 *
 * @param rule the rule's path in the AgentPolicy's spec, such as images.allowed
 * @param message what the run does and which rule forbids it; the same words the admission policy uses
 */
public record Violation(String rule, String message) {
    static Violation of(String rule, String what) {
        return new Violation(rule, what + " is not allowed by AgentPolicy default (" + rule + ")");
    }
}
