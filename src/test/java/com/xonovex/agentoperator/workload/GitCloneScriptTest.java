package com.xonovex.agentoperator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.xonovex.agentoperator.support.GitHttpServer;

/**
 * Runs the real init-container script {@link Scripts#GIT_CLONE} under {@code /bin/sh -c} (as the Job does) with a
 * controlled environment against git servers on loopback: smart HTTP ({@code git http-backend} behind a Basic-auth
 * {@link GitHttpServer}), {@code file://}, and an sshd test instance when {@code openssh-server} is installed.
 */
class GitCloneScriptTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TOKEN = "tok-" + UUID.randomUUID().toString().replace("-", "");
    private static final String PASSWORD = "pw-" + UUID.randomUUID().toString().replace("-", "");
    private static final String NO_SUCH_COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    static Path shared;
    static String gitBinary;
    static Path bare;
    static String shaA; // main~1: README "one"
    static String shaB; // main tip: README "two"
    static String shaC; // feature/x tip (from A): feature.txt
    static String shaE; // only refs/pull/1/head (from B): pr.txt; not fetched by a plain clone
    static GitHttpServer http;

    @TempDir
    Path dir;
    Path workspace;
    Path home;
    Path creds;
    Path marker;
    Path argvLog;
    private final AtomicInteger runs = new AtomicInteger();

    record Result(int exit, String stdout, String stderr) {
        String output() {
            return stdout + stderr;
        }
    }

    @BeforeAll
    static void fixture() throws Exception {
        gitBinary = findOnPath("git");
        assumeTrue(gitBinary != null, "git is not installed");
        Path work = shared.resolve("work");
        git(shared, "init", "-q", "-b", "main", work.toString());
        Files.writeString(work.resolve("README"), "one\n");
        git(work, "add", "README");
        git(work, "commit", "-q", "-m", "A");
        shaA = git(work, "rev-parse", "HEAD");
        Files.writeString(work.resolve("README"), "two\n");
        git(work, "commit", "-q", "-am", "B");
        shaB = git(work, "rev-parse", "HEAD");
        git(work, "checkout", "-q", "-b", "feature/x", shaA);
        Files.writeString(work.resolve("feature.txt"), "feature\n");
        git(work, "add", "feature.txt");
        git(work, "commit", "-q", "-m", "C");
        shaC = git(work, "rev-parse", "HEAD");
        git(work, "checkout", "-q", "--detach", shaB);
        Files.writeString(work.resolve("pr.txt"), "pr\n");
        git(work, "add", "pr.txt");
        git(work, "commit", "-q", "-m", "E");
        shaE = git(work, "rev-parse", "HEAD");
        Path root = Files.createDirectories(shared.resolve("srv"));
        bare = root.resolve("origin.git");
        git(shared, "init", "-q", "--bare", "-b", "main", bare.toString());
        git(work, "push", "-q", bare.toString(), "refs/heads/main:refs/heads/main",
                "refs/heads/feature/x:refs/heads/feature/x", shaE + ":refs/pull/1/head");
        http = GitHttpServer.start(InetAddress.getLoopbackAddress(), gitBinary, root,
                Map.of("x-access-token", TOKEN, "alice", PASSWORD), shared.resolve("http.log"));
    }

    @AfterAll
    static void stopServers() {
        if (http != null) {
            http.close();
        }
    }

    @BeforeEach
    void dirs() throws IOException {
        // its own directory per test: the @Nested PER_CLASS tests share one outer instance and so one @TempDir
        Path base = Files.createTempDirectory(dir, "t");
        workspace = Files.createDirectories(base.resolve("workspace"));
        home = Files.createDirectories(base.resolve("home"));
        creds = Files.createDirectories(base.resolve("creds"));
        marker = base.resolve("pwned");
        argvLog = base.resolve("git-argv.log");
        // A git shim first on PATH records the argv of every git command the script runs.
        Path bin = Files.createDirectories(base.resolve("bin"));
        Path shim = bin.resolve("git");
        Files.writeString(shim, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$GIT_ARGV_LOG\"\nexec '" + gitBinary + "' \"$@\"\n");
        assertThat(shim.toFile().setExecutable(true)).isTrue();
    }

    // ---- plain clones -------------------------------------------------------------------------------------------

    @Test
    void clonesTheDefaultBranch() throws Exception {
        Result r = run(Map.of("GIT_REPO_URL", http.url("public")));
        assertSucceeded(r);
        assertThat(r.stdout()).contains("git-clone: cloning the default branch", "git-clone: done");
        Path repo = workspace.resolve("repo");
        assertThat(headOf(repo)).isEqualTo(shaB);
        assertThat(git(repo, "symbolic-ref", "HEAD")).isEqualTo("refs/heads/main");
        assertThat(repo.resolve("README")).hasContent("two");
        assertThat(repo.resolve("feature.txt")).doesNotExist();
        assertThat(git(repo, "remote", "get-url", "origin")).isEqualTo(http.url("public"));
        assertThat(workspace.resolve(".repo.partial")).doesNotExist();
        assertThat(http.users).isEmpty();
    }

    @Test
    void clonesANamedBranch() throws Exception {
        Result r = run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_BRANCH", "feature/x"));
        assertSucceeded(r);
        assertThat(r.stdout()).contains("git-clone: cloning branch feature/x");
        Path repo = workspace.resolve("repo");
        assertThat(headOf(repo)).isEqualTo(shaC);
        assertThat(git(repo, "symbolic-ref", "HEAD")).isEqualTo("refs/heads/feature/x");
        assertThat(repo.resolve("feature.txt")).hasContent("feature");
        assertThat(repo.resolve("README")).hasContent("one");
    }

    @Test
    void checksOutAnOlderCommitOfTheDefaultBranchDetached() throws Exception {
        Result r = run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_COMMIT", shaA));
        assertSucceeded(r);
        Path repo = workspace.resolve("repo");
        assertThat(headOf(repo)).isEqualTo(shaA);
        assertDetached(repo);
        assertThat(repo.resolve("README")).hasContent("one");
        assertThat(git(repo, "status", "--porcelain")).isEmpty();
    }

    @Test
    void checksOutAnAbbreviatedCommitOfAnotherBranch() throws Exception {
        Result r = run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_COMMIT", shaC.substring(0, 7)));
        assertSucceeded(r);
        Path repo = workspace.resolve("repo");
        assertThat(headOf(repo)).isEqualTo(shaC);
        assertDetached(repo);
        assertThat(repo.resolve("feature.txt")).hasContent("feature");
    }

    @Test
    void fetchesACommitThatNoBranchContains() throws Exception {
        Result r = run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_COMMIT", shaE));
        assertSucceeded(r);
        Path repo = workspace.resolve("repo");
        assertThat(headOf(repo)).isEqualTo(shaE);
        assertDetached(repo);
        assertThat(repo.resolve("pr.txt")).hasContent("pr");
        assertThat(argvLog).content().contains("fetch -- origin " + shaE);
    }

    @Test
    void failsOnAMissingBranch() throws Exception {
        Result r = run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_BRANCH", "no-such-branch"));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.stderr()).contains("no-such-branch");
        assertThat(r.stdout()).doesNotContain("git-clone: done");
        assertThat(workspace.resolve("repo")).doesNotExist();
    }

    @Test
    void failsOnAMissingRepository() throws Exception {
        Result r = run(Map.of("GIT_REPO_URL", http.url("public").replace("origin.git", "missing.git")));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(workspace.resolve("repo")).doesNotExist();
    }

    // ---- worktrees ----------------------------------------------------------------------------------------------

    @Test
    void createsTheWorktreeBranchFromTheSourceBranch() throws Exception {
        Result r = run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_WORKTREE_BRANCH", "agent/x",
                "GIT_WORKTREE_SOURCE", "feature/x"));
        assertSucceeded(r);
        assertThat(r.stdout()).contains("creating worktree branch agent/x from origin/feature/x");
        Path repo = workspace.resolve("repo");
        Path worktree = workspace.resolve("worktree");
        assertThat(headOf(repo)).isEqualTo(shaB);
        assertThat(headOf(worktree)).isEqualTo(shaC);
        assertThat(git(worktree, "symbolic-ref", "HEAD")).isEqualTo("refs/heads/agent/x");
        assertThat(worktree.resolve("feature.txt")).hasContent("feature");
        assertThat(git(repo, "worktree", "list", "--porcelain")).contains("worktree " + worktree.toRealPath());
    }

    @Test
    void createsTheWorktreeBranchFromHeadWithoutSourceBranch() throws Exception {
        Result r = run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_WORKTREE_BRANCH", "agent/x"));
        assertSucceeded(r);
        assertThat(r.stdout()).contains("creating worktree branch agent/x from HEAD");
        Path worktree = workspace.resolve("worktree");
        assertThat(headOf(worktree)).isEqualTo(shaB);
        assertThat(git(worktree, "symbolic-ref", "HEAD")).isEqualTo("refs/heads/agent/x");
        assertThat(worktree.resolve("README")).hasContent("two");
    }

    @Test
    void createsTheWorktreeBranchFromTheClonedBranchOrCommit() throws Exception {
        Result r = run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_BRANCH", "feature/x",
                "GIT_WORKTREE_BRANCH", "agent/x"));
        assertSucceeded(r);
        assertThat(headOf(workspace.resolve("worktree"))).isEqualTo(shaC);

        Path other = Files.createDirectories(workspace.resolveSibling("other"));
        Result c = run(Map.of("WORKSPACE", other.toString(), "GIT_REPO_URL", http.url("public"), "GIT_COMMIT", shaA,
                "GIT_WORKTREE_BRANCH", "agent/y"));
        assertSucceeded(c);
        assertThat(headOf(other.resolve("worktree"))).isEqualTo(shaA);
        assertThat(git(other.resolve("worktree"), "symbolic-ref", "HEAD")).isEqualTo("refs/heads/agent/y");
    }

    // ---- reruns -------------------------------------------------------------------------------------------------

    @Test
    void rerunKeepsTheExistingWorkspace() throws Exception {
        Map<String, String> env = Map.of("GIT_REPO_URL", http.url("public"), "GIT_WORKTREE_BRANCH", "agent/x",
                "GIT_WORKTREE_SOURCE", "feature/x");
        assertSucceeded(run(env));
        Path repo = workspace.resolve("repo");
        Path worktree = workspace.resolve("worktree");
        Files.writeString(worktree.resolve("wip.txt"), "agent work\n");
        git(worktree, "add", "wip.txt");
        git(worktree, "commit", "-q", "-m", "agent commit");
        String agentCommit = headOf(worktree);
        Files.writeString(worktree.resolve("uncommitted.txt"), "more\n");
        Files.writeString(repo.resolve("note.txt"), "note\n");

        Result again = run(env);
        assertSucceeded(again);
        assertThat(again.stdout()).contains("the workspace already holds a clone; keeping it",
                "the worktree already exists; keeping it").doesNotContain("cloning");
        assertThat(headOf(worktree)).isEqualTo(agentCommit);
        assertThat(git(worktree, "rev-parse", "HEAD~1")).isEqualTo(shaC);
        assertThat(worktree.resolve("uncommitted.txt")).hasContent("more");
        assertThat(repo.resolve("note.txt")).hasContent("note");
        assertThat(headOf(repo)).isEqualTo(shaB);

        // Even when the run now names another branch, the existing clone is what the agent keeps working on.
        Result other = run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_BRANCH", "feature/x"));
        assertSucceeded(other);
        assertThat(headOf(repo)).isEqualTo(shaB);
    }

    @Test
    void aFailedCloneLeavesNothingThatARerunWouldKeep() throws Exception {
        Map<String, String> env = Map.of("GIT_REPO_URL", http.url("public"), "GIT_COMMIT", NO_SUCH_COMMIT);
        Result first = run(env);
        assertThat(first.exit()).as(first.output()).isNotZero();
        assertThat(workspace.resolve("repo")).doesNotExist();
        Result second = run(env);
        assertThat(second.exit()).as(second.output()).isNotZero();
        assertThat(second.stdout()).doesNotContain("keeping it");
        assertThat(workspace.resolve("repo")).doesNotExist();
    }

    @Test
    void leftoversOfAnInterruptedCloneAndAnEmptyRepoDirectoryAreReplaced() throws Exception {
        Files.createDirectories(workspace.resolve(".repo.partial/.git"));
        Files.writeString(workspace.resolve(".repo.partial/.git/HEAD"), "garbage\n");
        Files.createDirectories(workspace.resolve("repo"));
        Result r = run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_BRANCH", "feature/x"));
        assertSucceeded(r);
        assertThat(headOf(workspace.resolve("repo"))).isEqualTo(shaC);
        assertThat(workspace.resolve(".repo.partial")).doesNotExist();
    }

    @Test
    void refusesANonEmptyRepoDirectoryWithoutGit() throws Exception {
        Files.createDirectories(workspace.resolve("repo"));
        Files.writeString(workspace.resolve("repo/keep.txt"), "keep\n");
        Result r = run(Map.of("GIT_REPO_URL", http.url("public")));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(workspace.resolve("repo/keep.txt")).hasContent("keep");
        assertThat(workspace.resolve("repo/.git")).doesNotExist();
    }

    // ---- hostile values -----------------------------------------------------------------------------------------

    static Stream<Arguments> hostileValues() {
        List<String> payloads = List.of("--upload-pack=touch {m}", "$(touch {m})", "`touch {m}`", "x; touch {m}",
                "x\"; touch {m}; \"", "x' ; touch {m} ; '");
        List<Arguments> cases = new ArrayList<>();
        for (String variable : List.of("GIT_BRANCH", "GIT_COMMIT", "GIT_WORKTREE_BRANCH", "GIT_WORKTREE_SOURCE",
                "GIT_REPO_URL")) {
            for (String payload : payloads) {
                cases.add(Arguments.of(variable, payload));
            }
        }
        cases.add(Arguments.of("GIT_REPO_URL", "ext::sh -c touch% {m}"));
        cases.add(Arguments.of("GIT_REPO_URL", "ssh://-oProxyCommand=touch%20{m}/repo"));
        cases.add(Arguments.of("GIT_REPO_URL", "-u touch {m}"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("hostileValues")
    void hostileValuesExecuteNothingAndFail(String variable, String payload) throws Exception {
        String value = payload.replace("{m}", marker.toString());
        // file:// is the transport that would honour --upload-pack if it ever became an option.
        Map<String, String> env = new HashMap<>(Map.of("GIT_REPO_URL", "file://" + bare));
        if (variable.equals("GIT_WORKTREE_SOURCE")) {
            env.put("GIT_WORKTREE_BRANCH", "agent/x");
        }
        env.put(variable, value);
        Result r = run(env);
        assertThat(marker).as("the payload ran").doesNotExist();
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.stdout()).doesNotContain("git-clone: done");
        assertThat(workspace.resolve("worktree")).doesNotExist();
        if (!variable.startsWith("GIT_WORKTREE")) {
            assertThat(workspace.resolve("repo")).doesNotExist();
        }
    }

    // ---- https with credentials ---------------------------------------------------------------------------------

    @Test
    void httpsWithATokenClonesAndTheTokenLeaksNowhere() throws Exception {
        Files.writeString(creds.resolve("token"), TOKEN + "\n"); // as `kubectl create secret --from-file` often has
        int challenges = http.challenges.get();
        int seen = http.users.size();
        Result r = run(Map.of("GIT_REPO_URL", http.url("private"), "GIT_WORKTREE_BRANCH", "agent/x"));
        assertSucceeded(r);
        assertThat(r.stdout()).contains("using https credentials from the credentials Secret");
        Path repo = workspace.resolve("repo");
        assertThat(headOf(repo)).isEqualTo(shaB);
        assertThat(repo.resolve("README")).hasContent("two");
        assertThat(http.challenges.get()).as("the server asked for credentials").isGreaterThan(challenges);
        assertThat(http.users.subList(seen, http.users.size())).isNotEmpty().containsOnly("x-access-token");
        assertThat(git(repo, "remote", "get-url", "origin")).isEqualTo(http.url("private"));
        assertThat(repo.resolve(".git/config")).content().doesNotContain(TOKEN).doesNotContain("x-access-token")
                .doesNotContain("credential");
        assertSecretNowhere(TOKEN, r);
    }

    @Test
    void httpsWithATokenFetchesACommitOutsideTheBranches() throws Exception {
        Files.writeString(creds.resolve("token"), TOKEN);
        Result r = run(Map.of("GIT_REPO_URL", http.url("private"), "GIT_COMMIT", shaE));
        assertSucceeded(r);
        assertThat(headOf(workspace.resolve("repo"))).isEqualTo(shaE);
        assertSecretNowhere(TOKEN, r);
    }

    @Test
    void httpsWithUsernameAndPasswordClones() throws Exception {
        Files.writeString(creds.resolve("username"), "alice");
        Files.writeString(creds.resolve("password"), PASSWORD + "\n");
        int seen = http.users.size();
        Result r = run(Map.of("GIT_REPO_URL", http.url("private"), "GIT_BRANCH", "feature/x"));
        assertSucceeded(r);
        assertThat(headOf(workspace.resolve("repo"))).isEqualTo(shaC);
        assertThat(http.users.subList(seen, http.users.size())).isNotEmpty().containsOnly("alice");
        assertSecretNowhere(PASSWORD, r);
        assertThat(workspace.resolve("repo/.git/config")).content().doesNotContain("alice");
    }

    @Test
    void httpsCredentialsGoOnlyToTheRepositorysOwnHost() throws Exception {
        Files.writeString(creds.resolve("token"), TOKEN);
        // git is sent to another host than the repository's (as a redirect would): the helper must not answer
        var real = java.net.URI.create(http.url("private"));
        var base = real.getScheme() + "://" + real.getAuthority() + "/";
        Files.writeString(home.resolve(".gitconfig"), "[url \"" + base + "\"]\n\tinsteadOf = https://repo.example/\n");
        int seen = http.users.size();
        Result r = run(Map.of("GIT_REPO_URL", "https://repo.example" + real.getPath()));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.stderr()).contains("terminal prompts disabled");
        assertThat(http.users.subList(seen, http.users.size())).as("no credentials reached the other host").isEmpty();
        assertSecretNowhere(TOKEN, r);
        Files.delete(home.resolve(".gitconfig"));
    }

    @Test
    void httpsWithAWrongTokenFailsWithoutPrompting() throws Exception {
        String wrong = "wrong-" + UUID.randomUUID();
        Files.writeString(creds.resolve("token"), wrong);
        Result r = run(Map.of("GIT_REPO_URL", http.url("private")));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.stderr()).contains("Authentication failed");
        assertThat(workspace.resolve("repo")).doesNotExist();
        assertSecretNowhere(wrong, r);
    }

    @Test
    void httpsWithoutCredentialsFailsWithoutPrompting() throws Exception {
        Result r = run(Map.of("GIT_REPO_URL", http.url("private")));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.stderr()).contains("terminal prompts disabled");
        assertThat(r.stdout()).doesNotContain("credentials");
        assertThat(workspace.resolve("repo")).doesNotExist();
    }

    // ---- ssh ----------------------------------------------------------------------------------------------------

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OverSsh {
        private static final Path SSHD = Path.of("/usr/sbin/sshd");
        Path sshDir;
        Process sshd;
        int port;
        String url;
        String hostKeyLine;
        String privateKey;

        @BeforeAll
        void startSshd() throws Exception {
            assumeTrue(Files.isExecutable(SSHD),
                    "sshd is not installed (Debian package openssh-server); skipping the ssh cases");
            assumeTrue(findOnPath("ssh-keygen") != null, "ssh-keygen is not installed (openssh-client)");
            sshDir = Files.createDirectories(shared.resolve("ssh"));
            exec(sshDir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test-host", "-f",
                    sshDir.resolve("host_key").toString());
            exec(sshDir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test-client", "-f",
                    sshDir.resolve("client_key").toString());
            Files.copy(sshDir.resolve("client_key.pub"), sshDir.resolve("authorized_keys"));
            privateKey = Files.readString(sshDir.resolve("client_key"));
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root && !Files.isDirectory(Path.of("/run/sshd"))) {
                // sshd started by root needs its privilege separation directory, normally made by the init system.
                Files.createDirectories(Path.of("/run/sshd"));
            }
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path config = sshDir.resolve("sshd_config");
            Files.writeString(config, String.join("\n",
                    "Port " + port,
                    "ListenAddress 127.0.0.1",
                    "HostKey " + sshDir.resolve("host_key"),
                    "AuthorizedKeysFile " + sshDir.resolve("authorized_keys"),
                    "PidFile none",
                    "StrictModes no",
                    "UsePAM no",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PubkeyAuthentication yes",
                    "PermitRootLogin prohibit-password",
                    "AllowUsers " + System.getProperty("user.name"),
                    "LogLevel VERBOSE", ""));
            Path log = sshDir.resolve("sshd.log");
            sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean up = false;
            while (!up && sshd.isAlive() && System.nanoTime() < deadline) {
                try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    up = true;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            if (!up) {
                stopSshd();
            }
            assumeTrue(up, () -> "sshd test instance did not start: " + readQuietly(log));
            String[] pub = Files.readString(sshDir.resolve("host_key.pub")).trim().split(" ");
            hostKeyLine = "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1] + "\n";
            url = "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + port + bare;
        }

        @AfterAll
        void stopSshd() throws InterruptedException {
            if (sshd != null) {
                sshd.descendants().forEach(ProcessHandle::destroy);
                sshd.destroy();
                if (!sshd.waitFor(5, TimeUnit.SECONDS)) {
                    sshd.destroyForcibly();
                }
            }
        }

        @Test
        void clonesWithKeyAndKnownHosts() throws Exception {
            Files.writeString(creds.resolve("ssh-privatekey"), privateKey);
            Files.writeString(creds.resolve("known_hosts"), hostKeyLine);
            Result r = run(Map.of("GIT_REPO_URL", url, "GIT_BRANCH", "feature/x", "GIT_WORKTREE_BRANCH", "agent/x"));
            assertSucceeded(r);
            assertThat(r.stdout()).contains("using the ssh key from the credentials Secret");
            assertThat(r.stderr()).doesNotContain("known_hosts");
            assertThat(headOf(workspace.resolve("repo"))).isEqualTo(shaC);
            assertThat(headOf(workspace.resolve("worktree"))).isEqualTo(shaC);
            // the key is copied to the clone container's own HOME (volume git-home, not mounted into the agent), 0600
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".ssh/id"))))
                    .isEqualTo("rw-------");
            assertThat(home.resolve(".ssh/id")).hasContent(privateKey.strip());
            assertThat(workspace.resolve("repo/.git/config")).content().doesNotContain("ssh-ed25519");
            assertSecretNowhere(keyBody(privateKey), r, workspace);
        }

        @Test
        void trustsTheHostKeyOnFirstUseWithoutKnownHostsAndWarns() throws Exception {
            Files.writeString(creds.resolve("ssh-privatekey"), privateKey);
            Result r = run(Map.of("GIT_REPO_URL", url, "GIT_COMMIT", shaE));
            assertSucceeded(r);
            assertThat(r.stderr()).contains("git-clone: warning: the credentials Secret has no known_hosts");
            assertThat(headOf(workspace.resolve("repo"))).isEqualTo(shaE);
            // accept-new recorded the server's key (possibly hashed, so look it up the way ssh does)
            String found = exec(home, "ssh-keygen", "-F", "[127.0.0.1]:" + port, "-f",
                    home.resolve(".ssh/known_hosts").toString());
            assertThat(found).contains(hostKeyLine.split(" ")[2].trim());
            assertSecretNowhere(keyBody(privateKey), r, workspace);
        }

        @Test
        void refusesAServerWhoseKeyIsNotTheKnownOne() throws Exception {
            Path other = sshDir.resolve("other_" + UUID.randomUUID());
            exec(sshDir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
            String[] pub = Files.readString(Path.of(other + ".pub")).trim().split(" ");
            Files.writeString(creds.resolve("ssh-privatekey"), privateKey);
            Files.writeString(creds.resolve("known_hosts"), "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1] + "\n");
            Result r = run(Map.of("GIT_REPO_URL", url));
            assertThat(r.exit()).as(r.output()).isNotZero();
            assertThat(r.stderr()).contains("Host key verification failed");
            assertThat(workspace.resolve("repo")).doesNotExist();
        }

        @Test
        void failsWithAnUnknownKey() throws Exception {
            Path other = sshDir.resolve("stranger_" + UUID.randomUUID());
            exec(sshDir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
            Files.copy(other, creds.resolve("ssh-privatekey"));
            Files.writeString(creds.resolve("known_hosts"), hostKeyLine);
            Result r = run(Map.of("GIT_REPO_URL", url));
            assertThat(r.exit()).as(r.output()).isNotZero();
            assertThat(r.stderr()).contains("Permission denied");
            assertThat(workspace.resolve("repo")).doesNotExist();
        }

        private String keyBody(String key) {
            // a line from the middle of the PEM body: unique to this key
            String[] lines = key.split("\n");
            return lines[lines.length / 2];
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** Runs the script exactly as the Job does ({@code /bin/sh -c SCRIPT}) with only the given environment. */
    Result run(Map<String, String> vars) throws Exception {
        int n = runs.incrementAndGet();
        Path out = workspace.resolveSibling("run" + n + ".out");
        Path err = workspace.resolveSibling("run" + n + ".err");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", Scripts.GIT_CLONE)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", workspace.resolveSibling("bin") + ":/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "C");
        env.put("HOME", home.toString());
        env.put("WORKSPACE", workspace.toString());
        env.put("GIT_CREDENTIALS_DIR", creds.toString());
        env.put("GIT_ARGV_LOG", argvLog.toString());
        env.putAll(vars);
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("the script did not finish within " + TIMEOUT + " (prompting?): " + readQuietly(out)
                    + readQuietly(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    void assertSucceeded(Result r) {
        assertThat(r.exit()).as("exit code; output:%n%s", r.output()).isZero();
        assertThat(r.stdout()).contains("git-clone: done");
    }

    /** The secret is in none of: the script's output, git's argv, any file under the roots (default: workspace, HOME). */
    void assertSecretNowhere(String secret, Result r) throws IOException {
        assertSecretNowhere(secret, r, workspace, home);
    }

    void assertSecretNowhere(String secret, Result r, Path... roots) throws IOException {
        assertThat(r.output()).doesNotContain(secret);
        if (Files.exists(argvLog)) {
            assertThat(argvLog).content().doesNotContain(secret);
        }
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(Files::isRegularFile).forEach(f -> {
                    try {
                        assertThat(indexOf(Files.readAllBytes(f), needle)).as("secret found in %s", f).isNegative();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    static void assertDetached(Path repo) throws Exception {
        assertThat(gitResult(repo, "symbolic-ref", "-q", "HEAD").exit()).as("HEAD is detached").isNotZero();
    }

    static String headOf(Path repo) throws Exception {
        return git(repo, "rev-parse", "HEAD");
    }

    static String git(Path cwd, String... args) throws Exception {
        Result r = gitResult(cwd, args);
        assertThat(r.exit()).as("git %s: %s", String.join(" ", args), r.stderr()).isZero();
        return r.stdout().trim();
    }

    static Result gitResult(Path cwd, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(gitBinary, "-c", "safe.directory=*"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", shared.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_AUTHOR_NAME", "Test");
        env.put("GIT_AUTHOR_EMAIL", "test@example.com");
        env.put("GIT_COMMITTER_NAME", "Test");
        env.put("GIT_COMMITTER_EMAIL", "test@example.com");
        return collect(pb);
    }

    static String exec(Path cwd, String... command) throws Exception {
        Result r = collect(new ProcessBuilder(command).directory(cwd.toFile()));
        assertThat(r.exit()).as("%s: %s", String.join(" ", command), r.output()).isZero();
        return r.stdout();
    }

    static Result collect(ProcessBuilder pb) throws Exception {
        Path out = Files.createTempFile(shared, "out", ".txt");
        Path err = Files.createTempFile(shared, "err", ".txt");
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("timed out: " + pb.command());
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    static String findOnPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String d : path.split(":")) {
            Path candidate = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath().toString();
            }
        }
        return null;
    }

    static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
