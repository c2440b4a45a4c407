package com.xonovex.agentoperator.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a script container sees, as directories of one test: the workspace, a private HOME, /tmp, the mounted
 * credentials, the clone state volume; plus a directory for the scripts' outputs and a git shim, first on PATH, that
 * logs the argv of every git command a script runs. {@link #run} runs a script there the way a container does.
 */
public final class ScriptSandbox {
    public final Path base;
    public final Path workspace;
    public final Path home;
    public final Path tmp;
    public final Path creds;
    public final Path state;
    public final Path outputs;
    public final Path bin;
    /** A file an executed payload would create; tests assert it stays absent. */
    public final Path marker;
    public final Path argvLog;
    /** The run UID the scripts get as AGENT_RUN_UID. */
    public final String runUid = UUID.randomUUID().toString();
    private final Path caFile;
    private int runs;

    private ScriptSandbox(Path base, String gitBinary, Path caFile) throws IOException {
        this.base = base;
        this.caFile = caFile;
        workspace = Files.createDirectories(base.resolve("workspace"));
        home = Files.createDirectories(base.resolve("home"));
        tmp = Files.createDirectories(base.resolve("tmp"));
        creds = Files.createDirectories(base.resolve("creds"));
        state = Files.createDirectories(base.resolve("state"));
        outputs = Files.createDirectories(base.resolve("outputs"));
        bin = Files.createDirectories(base.resolve("bin"));
        marker = base.resolve("pwned");
        argvLog = base.resolve("git-argv.log");
        Path shim = bin.resolve("git");
        Files.writeString(shim,
                "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$GIT_ARGV_LOG\"\nexec '" + gitBinary + "' \"$@\"\n");
        assertThat(shim.toFile().setExecutable(true)).isTrue();
    }

    /** A sandbox in a new directory under {@code parent}; clients trust {@code caFile} (null: none). */
    public static ScriptSandbox create(Path parent, String gitBinary, Path caFile) throws IOException {
        return new ScriptSandbox(Files.createTempDirectory(parent, "t"), gitBinary, caFile);
    }

    /** The environment every script gets; a test's own variables are added to (and override) it. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin + ":/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "C");
        env.put("HOME", home.toString());
        env.put("TMPDIR", tmp.toString());
        env.put("WORKSPACE", workspace.toString());
        env.put("GIT_CREDENTIALS_DIR", creds.toString());
        env.put("CLONE_STATE_DIR", state.toString());
        env.put("AGENT_RUN_UID", runUid);
        env.put("GIT_ARGV_LOG", argvLog.toString());
        if (caFile != null) {
            env.put("GIT_SSL_CAINFO", caFile.toString());
            env.put("CURL_CA_BUNDLE", caFile.toString());
        }
        return env;
    }

    /** Runs {@code /bin/sh -c script} in {@link #base} with {@link #environment()} plus {@code vars}. */
    public Shell.Result run(String script, Map<String, String> vars) throws IOException, InterruptedException {
        return run(script, base, vars);
    }

    public Shell.Result run(String script, Path cwd, Map<String, String> vars)
            throws IOException, InterruptedException {
        Map<String, String> env = environment();
        env.putAll(vars);
        return Shell.script(script, cwd, env, outputs, "run" + (++runs));
    }

    /** The argv of each git command the scripts ran so far. */
    public List<String> gitCommands() throws IOException {
        return Files.exists(argvLog) ? Files.readAllLines(argvLog) : List.of();
    }

    /**
     * The secret is in no script output, no git argv, no file under the workspace, HOME, /tmp, the state volume and
     * the outputs, and in no git object stored under HOME, /tmp and the given extra roots (bare repositories, say).
     */
    public void assertSecretNowhere(GitCli git, String secret, Path... moreRepositoryRoots)
            throws IOException, InterruptedException {
        assertThat(secret).isNotBlank();
        Leaks.assertNotInFiles(secret, workspace, home, tmp, state, outputs);
        if (Files.exists(argvLog)) {
            assertThat(argvLog).content().doesNotContain(secret);
        }
        Leaks.assertNotInObjects(git, secret, home, tmp, workspace);
        Leaks.assertNotInObjects(git, secret, moreRepositoryRoots);
    }
}
