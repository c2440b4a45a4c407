package com.xonovex.agentoperator.workload;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.resolve.ResolvedRun;

/**
 * The hosts and ports a run's pod must reach: its provider's API (ANTHROPIC_BASE_URL, else Anthropic's), its
 * repository (clone and push), and the forge API a pull request goes to.
 */
public final class EgressEndpoints {
    /** Where both CLIs send requests when the provider names no ANTHROPIC_BASE_URL. */
    public static final Endpoint DEFAULT_PROVIDER = new Endpoint("api.anthropic.com", 443);
    private static final Pattern SCP = Pattern.compile("^[^@/]+@([^:/]+):.*$");
    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1?\\d?\\d)";
    private static final Pattern IPV4 = Pattern.compile("^" + OCTET + "(\\." + OCTET + "){3}$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F]*:[0-9a-fA-F:.]*$");

    private EgressEndpoints() {
    }

    /** A host (a name or an address) and a TCP port. */
    public record Endpoint(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    public static Set<Endpoint> of(AgentRun run, ResolvedRun resolved) {
        var endpoints = new LinkedHashSet<Endpoint>();
        var baseUrl = resolved.provider().environment().get("ANTHROPIC_BASE_URL");
        endpoints.add(baseUrl == null || baseUrl.isBlank() ? DEFAULT_PROVIDER
                : parse(baseUrl).orElse(DEFAULT_PROVIDER));
        parse(run.getSpec().getRepository().getUrl()).ifPresent(endpoints::add);
        resolved.publish().flatMap(p -> p.pullRequest()).flatMap(pr -> parse(pr.apiUrl())).ifPresent(endpoints::add);
        return endpoints;
    }

    /** Whether the host is a literal IPv4 or IPv6 address (checked by its form: a name is never resolved here). */
    static boolean isAddress(String host) {
        return IPV4.matcher(host).matches() || IPV6.matcher(host).matches() && host.length() <= 45;
    }

    /** The single-address CIDR of a literal address. */
    static String cidr(String address) {
        return address + (address.contains(":") ? "/128" : "/32");
    }

    /** The host and port of an http(s)://, ssh:// or scp-like user@host:path address. */
    static Optional<Endpoint> parse(String address) {
        if (address == null) {
            return Optional.empty();
        }
        var scp = SCP.matcher(address);
        if (!address.contains("://") && scp.matches()) {
            return Optional.of(new Endpoint(scp.group(1), 22));
        }
        try {
            var uri = URI.create(address.strip());
            if (uri.getHost() == null) {
                return Optional.empty();
            }
            int port = uri.getPort() > 0 ? uri.getPort() : switch (uri.getScheme()) {
                case "http" -> 80;
                case "ssh" -> 22;
                default -> 443;
            };
            var host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                    : uri.getHost();
            return Optional.of(new Endpoint(host, port));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
