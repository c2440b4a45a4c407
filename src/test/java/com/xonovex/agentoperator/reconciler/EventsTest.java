package com.xonovex.agentoperator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventsTest {
    @Test
    void eventNamesStayUnder253CharactersForTheLongestRunNames() {
        var longest = "a".repeat(200) + "." + "b".repeat(52);
        assertThat(longest).hasSize(253);
        var name = Events.prefix(longest) + "." + "0123456789abcdef";
        assertThat(name).hasSizeLessThanOrEqualTo(253).doesNotContain("..");
        assertThat(Events.prefix("fix-auth-bug")).isEqualTo("fix-auth-bug");
    }
}
