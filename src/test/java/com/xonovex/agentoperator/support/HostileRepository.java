package com.xonovex.agentoperator.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Arms a repository in a workspace the way a hostile agent could, so that git working in it runs a payload: the
 * payload appends to a marker file and copies {@code $GIT_CREDENTIALS_DIR/token} next to itself. {@link #arm} also
 * runs, with the tests' own git, a command that sets the payload off, so a test can first show that the armed
 * repository is live (the marker appears) before showing that a script never sets it off.
 */
public final class HostileRepository {
    /** The ways a repository's .git can make git run a command. */
    public enum Armed {
        /** Executable hooks for checkout, commit, ref updates, index writes, gc, merge, push and fsmonitor. */
        HOOKS,
        /** core.fsmonitor naming the payload. */
        FSMONITOR,
        /** core.sshCommand, with an ssh remote. */
        SSH_COMMAND,
        /** credential.helper, with an https remote that asks for credentials. */
        CREDENTIAL_HELPER,
        /** filter.evil.clean/smudge and a .gitattributes giving every file that filter. */
        FILTER_DRIVER,
        /** include.path of a file that sets core.fsmonitor. */
        INCLUDE_PATH
    }

    private static final List<String> HOOKS = List.of("post-checkout", "pre-commit", "post-commit",
            "reference-transaction", "post-index-change", "pre-auto-gc", "post-merge", "pre-push",
            "fsmonitor-watchman", "push-to-checkout", "post-rewrite");

    private HostileRepository() {
    }

    /** The payload, {@code .git/payload.sh} of the repository; it copies the token to {@code leaked-token} there. */
    public static Path payload(Path repo, Path marker) throws IOException {
        Path payload = repo.resolve(".git/payload.sh");
        Files.writeString(payload, "#!/bin/sh\necho \"payload ran: $0 $*\" >> '" + marker + "'\n"
                + "cat \"$GIT_CREDENTIALS_DIR/token\" > '" + repo.resolve("leaked-token") + "' 2>/dev/null\n"
                + "if [ \"$1\" = --filter ]; then cat; fi\nexit 0\n");
        assertThat(payload.toFile().setExecutable(true)).isTrue();
        return payload;
    }

    /**
     * Arms the repository one way and sets the payload off once with the tests' git (the caller checks the marker and
     * removes it). {@code remoteUrl} is an https URL that asks for credentials (for the credential helper).
     */
    public static void arm(GitCli git, Path repo, Path payload, Armed armed, String remoteUrl, Path caFile)
            throws IOException, InterruptedException {
        Map<String, String> env = Map.of("GIT_TERMINAL_PROMPT", "0");
        switch (armed) {
            case HOOKS -> {
                Files.createDirectories(repo.resolve(".git/hooks"));
                for (String hook : HOOKS) {
                    Path h = repo.resolve(".git/hooks").resolve(hook);
                    Files.copy(payload, h, StandardCopyOption.REPLACE_EXISTING);
                    assertThat(h.toFile().setExecutable(true)).isTrue();
                }
                git.result(env, repo, "checkout", "-q", "-b", "control");
            }
            case FSMONITOR -> {
                git.git(repo, "config", "core.fsmonitor", payload.toString());
                git.result(env, repo, "status");
            }
            case SSH_COMMAND -> {
                git.git(repo, "config", "core.sshCommand", payload.toString());
                git.git(repo, "config", "remote.evil.url", "ssh://git@example.invalid/repo.git");
                git.result(env, repo, "ls-remote", "evil");
            }
            case CREDENTIAL_HELPER -> {
                git.git(repo, "config", "credential.helper", "!" + payload);
                git.git(repo, "config", "http.sslCAInfo", caFile.toString());
                git.git(repo, "config", "remote.evil.url", remoteUrl);
                git.result(env, repo, "ls-remote", "evil");
            }
            case FILTER_DRIVER -> {
                git.git(repo, "config", "filter.evil.clean", payload + " --filter");
                git.git(repo, "config", "filter.evil.smudge", payload + " --filter");
                Files.writeString(repo.resolve(".gitattributes"), "* filter=evil\n");
                Files.writeString(repo.resolve("filtered.txt"), "filtered\n");
                git.result(env, repo, "add", "filtered.txt");
                git.result(env, repo, "reset", "-q", "--", "filtered.txt");
            }
            case INCLUDE_PATH -> {
                Path included = repo.resolve(".git/evil.inc");
                Files.writeString(included, "[core]\n\tfsmonitor = " + payload + "\n");
                git.git(repo, "config", "include.path", included.toString());
                git.result(env, repo, "status");
            }
        }
    }
}
