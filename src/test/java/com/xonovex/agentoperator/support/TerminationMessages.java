package com.xonovex.agentoperator.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Checks on the agent container's termination message as run-agent.sh must write it. */
public final class TerminationMessages {
    /** The agent's share of the 4096 bytes the kubelet keeps for all containers of a pod. */
    public static final int MAX_BYTES = 3072;
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private TerminationMessages() {
    }

    /**
     * One line of strict UTF-8 JSON, an object with no duplicate keys, at most {@link #MAX_BYTES} bytes with its
     * newline, holding at least agent, exitCode, isError and stopReason; returns it parsed.
     */
    public static JsonNode assertValid(byte[] message) throws Exception {
        assertThat(message.length).as("bytes of the message").isBetween(2, MAX_BYTES);
        assertThat(message[message.length - 1]).as("ends with a newline").isEqualTo((byte) '\n');
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(message)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("not UTF-8: " + new String(message, StandardCharsets.ISO_8859_1), e);
        }
        assertThat(text.indexOf('\n')).as("one line: %s", text).isEqualTo(text.length() - 1);
        var json = STRICT.readTree(text);
        assertThat(json.isObject()).as("an object: %s", text).isTrue();
        assertThat(json.path("agent").isTextual()).as("agent in %s", text).isTrue();
        assertThat(json.path("exitCode").isInt()).as("exitCode in %s", text).isTrue();
        assertThat(json.path("isError").isBoolean()).as("isError in %s", text).isTrue();
        assertThat(json.path("stopReason").isTextual()).as("stopReason in %s", text).isTrue();
        return json;
    }
}
