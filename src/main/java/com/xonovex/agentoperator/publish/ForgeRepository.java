package com.xonovex.agentoperator.publish;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The host and path of a repository URL as a forge's API names the repository: GitHub's {@code owner/repo}, GitLab's
 * URL-encoded project path. The URL passed the CRD's rules (https, ssh:// or scp-like user@host:path).
 */
public record ForgeRepository(String host, String path) {
    private static final Pattern HTTPS = Pattern.compile("^https://(?:[^@/]*@)?([^/:]+)(?::[0-9]+)?/(.+)$");
    private static final Pattern SSH = Pattern.compile("^ssh://(?:[^@/]*@)?([^/:]+)(?::[0-9]+)?/(.+)$");
    private static final Pattern SCP = Pattern.compile("^[^@/]+@([^:/]+):(.+)$");

    public static Optional<ForgeRepository> of(String url) {
        for (var pattern : new Pattern[] { HTTPS, SSH, SCP }) {
            var m = pattern.matcher(url);
            if (m.matches()) {
                var path = m.group(2).replaceAll("/+$", "").replaceAll("\\.git$", "").replaceAll("^/+", "");
                return path.isEmpty() ? Optional.empty() : Optional.of(new ForgeRepository(m.group(1), path));
            }
        }
        return Optional.empty();
    }

    /** GitHub: owner/repo, the last two segments. */
    public String githubName() {
        var parts = path.split("/");
        return parts.length < 2 ? path : parts[parts.length - 2] + "/" + parts[parts.length - 1];
    }

    /** GitLab: the whole project path (group/subgroup/project), URL-encoded as its API wants it. */
    public String gitlabId() {
        return URLEncoder.encode(path, StandardCharsets.UTF_8);
    }
}
