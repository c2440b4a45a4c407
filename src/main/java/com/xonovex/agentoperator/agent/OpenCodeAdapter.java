package com.xonovex.agentoperator.agent;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.xonovex.agentoperator.api.AgentType;

/**
 * OpenCode's headless {@code run} command with JSON-lines output; it reads the message from standard input when
 * none is on the command line. Tools are allowed through its inline config because nobody can approve them in a Job.
 *
 * <p>{@code ANTHROPIC_BASE_URL} means different things to the two CLIs: Claude Code appends {@code /v1/messages},
 * OpenCode (through the AI SDK) appends only {@code /messages}. So that one provider environment serves both, a
 * base URL without {@code /v1} is given to OpenCode as {@code provider.anthropic.options.baseURL} with {@code /v1}
 * appended, in its inline config.
 */
final class OpenCodeAdapter implements AgentAdapter {
    static final String CONFIG_ENV = "OPENCODE_CONFIG_CONTENT";
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String CONFIG = "{\"$schema\":\"https://opencode.ai/config.json\","
            + "\"permission\":{\"edit\":\"allow\",\"bash\":\"allow\",\"webfetch\":\"allow\"},"
            + "\"autoupdate\":false,\"share\":\"disabled\"}";

    @Override
    public AgentType type() {
        return AgentType.OPENCODE;
    }

    @Override
    public String defaultTokenEnv() {
        return "ANTHROPIC_API_KEY";
    }

    @Override
    public List<String> cliArgv(Limits limits) {
        return List.of("opencode", "run", "--format", "json");
    }

    /**
     * None. {@code opencode run} (1.18) has no turn or cost limit; an agent's {@code steps} setting only asks the
     * model for a final answer after that many steps: with {@code steps: 1} and a model that kept calling tools, it
     * kept running them (hundreds of steps in ten minutes).
     */
    @Override
    public Set<Guardrail> supported() {
        return Set.of();
    }

    @Override
    public Map<String, String> defaultEnv() {
        return Map.of(
                CONFIG_ENV, CONFIG,
                "OPENCODE_DISABLE_AUTOUPDATE", "1",
                // else it fetches the model list from models.opencode.ai on every start; the bundled list serves
                "OPENCODE_DISABLE_MODELS_FETCH", "1",
                "OPENCODE_DISABLE_SHARE", "1",
                "OPENCODE_DISABLE_DEFAULT_PLUGINS", "1");
    }

    /**
     * The inline config with {@code provider.anthropic.options.baseURL} from {@code ANTHROPIC_BASE_URL}, unless that
     * variable is unset, the config already names a base URL, or the config is not a JSON object (then OpenCode
     * reports it, and nothing is guessed).
     */
    @Override
    public Map<String, String> derivedEnv(Map<String, String> env) {
        var baseUrl = env.get("ANTHROPIC_BASE_URL");
        if (baseUrl == null || baseUrl.isBlank()) {
            return Map.of();
        }
        try {
            if (!(JSON.readTree(env.getOrDefault(CONFIG_ENV, CONFIG)) instanceof ObjectNode config)) {
                return Map.of();
            }
            var options = object(object(object(config, "provider"), "anthropic"), "options");
            if (options == null || options.hasNonNull("baseURL")) {
                return Map.of();
            }
            options.put("baseURL", withV1(baseUrl.strip()));
            return Map.of(CONFIG_ENV, JSON.writeValueAsString(config));
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    /** The child object {@code name} of {@code parent}, created when absent; null when it is not an object. */
    private static ObjectNode object(ObjectNode parent, String name) {
        if (parent == null) {
            return null;
        }
        var child = parent.get(name);
        if (child == null || child.isNull()) {
            return parent.putObject(name);
        }
        return child instanceof ObjectNode node ? node : null;
    }

    static String withV1(String baseUrl) {
        var url = baseUrl;
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return url.endsWith("/v1") ? url : url + "/v1";
    }
}
