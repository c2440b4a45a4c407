package com.xonovex.agentoperator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import com.xonovex.agentoperator.support.GitCli;
import com.xonovex.agentoperator.support.GitHttpServer;
import com.xonovex.agentoperator.support.HostileRepository;
import com.xonovex.agentoperator.support.HostileRepository.Armed;
import com.xonovex.agentoperator.support.Leaks;
import com.xonovex.agentoperator.support.ScriptSandbox;
import com.xonovex.agentoperator.support.SshServer;
import com.xonovex.agentoperator.support.Shell;
import com.xonovex.agentoperator.support.Shell.Result;
import com.xonovex.agentoperator.support.TestTls;

/**
 * Runs the real init-container script {@link Scripts#GIT_CLONE} under {@code /bin/sh -c} (as the Job does) with a
 * controlled environment against git servers on loopback: smart HTTP over https ({@code git http-backend} behind a
 * Basic-auth {@link GitHttpServer}) and an sshd test instance when {@code openssh-server} is installed. The script
 * allows git no other transport.
 */
class GitCloneScriptTest {
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

    static GitCli gitCli;

    @TempDir
    Path dir;
    ScriptSandbox sandbox;
    Path workspace;
    Path home;
    Path creds;
    Path state;
    Path marker;
    Path argvLog;

    @BeforeAll
    static void fixture() throws Exception {
        gitBinary = Shell.findOnPath("git");
        assumeTrue(gitBinary != null, "git is not installed");
        gitCli = new GitCli(gitBinary, Files.createDirectories(shared.resolve("git-home")));
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
        http = GitHttpServer.startHttps(InetAddress.getLoopbackAddress(), TestTls.loopbackContext(), gitBinary,
                root, Map.of("x-access-token", TOKEN, "alice", PASSWORD), shared.resolve("http.log"));
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
        sandbox = ScriptSandbox.create(dir, gitBinary, TestTls.loopbackCaFile());
        workspace = sandbox.workspace;
        home = sandbox.home;
        creds = sandbox.creds;
        state = sandbox.state;
        marker = sandbox.marker;
        argvLog = sandbox.argvLog;
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

    // ---- the base commit ----------------------------------------------------------------------------------------

    @Test
    void recordsTheBaseCommitAndBranchWhereTheAgentCannotChangeThem() throws Exception {
        Result r = run(Map.of("GIT_REPO_URL", http.url("public")));
        assertSucceeded(r);
        assertThat(state.resolve("base-commit")).hasContent(shaB);
        assertThat(state.resolve("base-branch")).hasContent("main");
        assertThat(workspace.resolve(".agent-operator/base-commit")).hasContent(shaB);
        assertThat(workspace.resolve(".agent-operator/run-uid")).hasContent(sandbox.runUid);
        assertThat(workspace.resolve(".agent-operator/cloned")).isRegularFile();
        assertThat(r.stdout()).contains("the agent starts from commit " + shaB + " (branch main)");
    }

    @Test
    void theBaseOfACommitHasNoBranch() throws Exception {
        assertSucceeded(run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_COMMIT", shaE)));
        assertThat(state.resolve("base-commit")).hasContent(shaE);
        assertThat(state.resolve("base-branch")).hasContent("");
    }

    @Test
    void theBaseOfAWorktreeIsItsStart() throws Exception {
        assertSucceeded(run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_WORKTREE_BRANCH", "agent/x",
                "GIT_WORKTREE_SOURCE", "feature/x")));
        assertThat(state.resolve("base-commit")).hasContent(shaC);
        assertThat(state.resolve("base-branch")).hasContent("feature/x");

        Path other = Files.createDirectories(workspace.resolveSibling("other"));
        assertSucceeded(run(Map.of("WORKSPACE", other.toString(), "GIT_REPO_URL", http.url("public"),
                "GIT_BRANCH", "feature/x", "GIT_WORKTREE_BRANCH", "agent/y")));
        assertThat(state.resolve("base-commit")).hasContent(shaC);
        assertThat(state.resolve("base-branch")).hasContent("feature/x");
    }

    @Test
    void aFailedCloneLeavesNoBaseCommit() throws Exception {
        Files.writeString(state.resolve("base-commit"), shaA + "\n");
        Result r = run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_BRANCH", "no-such-branch"));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(state.resolve("base-commit")).doesNotExist();
        assertThat(workspace.resolve(".agent-operator/cloned")).doesNotExist();
    }

    // ---- reruns and workspace identity --------------------------------------------------------------------------

    @Test
    void rerunKeepsTheExistingWorkspaceWithoutRunningGitInIt() throws Exception {
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
        int gitCommands = sandbox.gitCommands().size();

        Result again = run(env);
        assertSucceeded(again);
        assertThat(again.stdout()).contains("the workspace holds this run's finished clone (run " + sandbox.runUid
                + "); keeping it as it is, without running git in it").doesNotContain("cloning");
        assertThat(sandbox.gitCommands()).as("git commands of the rerun").hasSize(gitCommands);
        assertThat(headOf(worktree)).isEqualTo(agentCommit);
        assertThat(git(worktree, "rev-parse", "HEAD~1")).isEqualTo(shaC);
        assertThat(worktree.resolve("uncommitted.txt")).hasContent("more");
        assertThat(repo.resolve("note.txt")).hasContent("note");
        assertThat(headOf(repo)).isEqualTo(shaB);
        assertThat(state.resolve("base-commit")).hasContent(shaC);

        // Even when the run now names another branch, the existing clone is what the agent keeps working on.
        Result other = run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_BRANCH", "feature/x"));
        assertSucceeded(other);
        assertThat(headOf(repo)).isEqualTo(shaB);
        assertThat(sandbox.gitCommands()).hasSize(gitCommands);
    }

    @Test
    void aKeptWorkspaceWithoutItsBaseCommitWarns() throws Exception {
        assertSucceeded(run(Map.of("GIT_REPO_URL", http.url("public"))));
        Files.delete(state.resolve("base-commit")); // as in a new pod, whose state volume is new
        Result again = run(Map.of("GIT_REPO_URL", http.url("public")));
        assertSucceeded(again);
        assertThat(again.stderr()).contains("the trusted base commit of this clone is not known");
        assertThat(state.resolve("base-commit")).doesNotExist();
    }

    @Test
    void aFailedCloneLeavesNothingThatARerunWouldKeep() throws Exception {
        Map<String, String> env = Map.of("GIT_REPO_URL", http.url("public"), "GIT_COMMIT", NO_SUCH_COMMIT);
        Result first = run(env);
        assertThat(first.exit()).as(first.output()).isNotZero();
        assertThat(workspace.resolve("repo")).doesNotExist();
        Result second = run(env);
        assertThat(second.exit()).as(second.output()).isNotZero();
        assertThat(second.stdout()).doesNotContain("keeping").contains("removing it and cloning again");
        assertThat(workspace.resolve("repo")).doesNotExist();
    }

    @Test
    void anUnfinishedCloneOfThisRunIsRemovedAndMadeAgain() throws Exception {
        Files.createDirectories(workspace.resolve(".agent-operator"));
        Files.writeString(workspace.resolve(".agent-operator/run-uid"), sandbox.runUid + "\n");
        Files.createDirectories(workspace.resolve(".repo.partial/.git"));
        Files.writeString(workspace.resolve(".repo.partial/.git/HEAD"), "garbage\n");
        Files.createDirectories(workspace.resolve("repo/sub"));
        Files.writeString(workspace.resolve("repo/sub/old.txt"), "old\n");
        assertThat(workspace.resolve("repo/sub").toFile().setWritable(false)).isTrue();
        Files.createDirectories(workspace.resolve("worktree"));
        Files.createSymbolicLink(workspace.resolve("link"), creds);
        Files.createDirectories(home.resolve("b"));
        Files.writeString(workspace.resolve("a\nb"), "a name with a newline\n");
        Files.writeString(creds.resolve("keep"), "the target of a link is not removed\n");
        Result r = run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_BRANCH", "feature/x"));
        assertSucceeded(r);
        assertThat(r.stdout()).contains("the workspace holds an unfinished clone of this run (run " + sandbox.runUid
                + "); removing it and cloning again");
        assertThat(headOf(workspace.resolve("repo"))).isEqualTo(shaC);
        assertThat(workspace.resolve("repo/sub")).doesNotExist();
        assertThat(workspace.resolve(".repo.partial")).doesNotExist();
        assertThat(workspace.resolve("worktree")).doesNotExist();
        assertThat(workspace.resolve("link")).doesNotExist();
        assertThat(creds.resolve("keep")).exists();
        assertThat(workspace.resolve("a\nb")).doesNotExist();
        assertThat(home.resolve("b")).exists();
        assertThat(workspace.resolve(".agent-operator/run-uid")).hasContent(sandbox.runUid);
        assertThat(workspace.resolve(".agent-operator/cloned")).isRegularFile();
    }

    @Test
    void aNewWorkspaceMayHoldLostAndFound() throws Exception {
        Files.createDirectories(workspace.resolve("lost+found"));
        assertSucceeded(run(Map.of("GIT_REPO_URL", http.url("public"))));
        assertThat(workspace.resolve("lost+found")).isDirectory();
        assertThat(workspace.resolve(".agent-operator/run-uid")).hasContent(sandbox.runUid);
    }

    @Test
    void aLostAndFoundThatIsNoDirectoryMakesTheWorkspaceNotEmpty() throws Exception {
        Files.createSymbolicLink(workspace.resolve("lost+found"), creds);
        Result r = run(Map.of("GIT_REPO_URL", http.url("public")));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.stderr()).contains("the workspace is not empty and has no run marker");
    }

    @Test
    void refusesANonEmptyWorkspaceWithoutMarker() throws Exception {
        Files.createDirectories(workspace.resolve("repo"));
        Files.writeString(workspace.resolve("repo/keep.txt"), "keep\n");
        Result r = run(Map.of("GIT_REPO_URL", http.url("public")));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.stderr()).contains("the workspace is not empty and has no run marker",
                "this run is " + sandbox.runUid, "refusing to use it");
        assertThat(workspace.resolve("repo/keep.txt")).hasContent("keep");
        assertThat(workspace.resolve("repo/.git")).doesNotExist();
        assertThat(workspace.resolve(".agent-operator")).doesNotExist();
        assertThat(sandbox.gitCommands()).isEmpty();
    }

    @Test
    void refusesTheWorkspaceOfAnotherRun() throws Exception {
        String previous = UUID.randomUUID().toString();
        assertSucceeded(run(Map.of("GIT_REPO_URL", http.url("public"), "AGENT_RUN_UID", previous)));
        int gitCommands = sandbox.gitCommands().size();
        Result r = run(Map.of("GIT_REPO_URL", http.url("public")));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.stderr()).contains("the workspace belongs to run " + previous + ", not to this run "
                + sandbox.runUid + "; refusing to use it");
        assertThat(workspace.resolve(".agent-operator/run-uid")).hasContent(previous);
        assertThat(headOf(workspace.resolve("repo"))).isEqualTo(shaB);
        assertThat(sandbox.gitCommands()).as("git commands of the refused run").hasSize(gitCommands);
    }

    @Test
    void aMarkerThatIsASymlinkIsNeitherReadNorTrusted() throws Exception {
        Files.writeString(creds.resolve("token"), TOKEN + "\n");
        Files.createDirectories(workspace.resolve(".agent-operator"));
        Files.createSymbolicLink(workspace.resolve(".agent-operator/run-uid"), creds.resolve("token"));
        Result r = run(Map.of("GIT_REPO_URL", http.url("private")));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.stderr()).contains("is not a file holding a run UID", "this run is " + sandbox.runUid);
        assertSecretNowhere(TOKEN, r);
        assertThat(sandbox.gitCommands()).isEmpty();
    }

    @Test
    void aMarkerHoldingSomethingElseThanAUidIsRefused() throws Exception {
        Files.createDirectories(workspace.resolve(".agent-operator"));
        Files.writeString(workspace.resolve(".agent-operator/run-uid"), "$(touch " + marker + ")\n");
        Result r = run(Map.of("GIT_REPO_URL", http.url("public")));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.stderr()).contains("is not a file holding a run UID").doesNotContain("touch");
        assertThat(marker).doesNotExist();
    }

    @Test
    void refusesToRunWithoutARunUid() throws Exception {
        Result r = run(Map.of("GIT_REPO_URL", http.url("public"), "AGENT_RUN_UID", ""));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.stderr()).contains("AGENT_RUN_UID must be set");
        assertThat(workspace.resolve("repo")).doesNotExist();
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
        Map<String, String> env = new HashMap<>(Map.of("GIT_REPO_URL", http.url("public")));
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

    @ParameterizedTest
    @MethodSource("otherTransports")
    void allowsGitNoOtherTransportThanHttpsAndSsh(String url) throws Exception {
        Result r = run(Map.of("GIT_REPO_URL", url.replace("{bare}", bare.toString())));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.stderr()).contains("the repository URL must be https://, ssh:// or user@host:path");
        assertThat(sandbox.gitCommands()).isEmpty();
        assertThat(workspace.resolve("repo")).doesNotExist();
    }

    static Stream<String> otherTransports() {
        return Stream.of("file://{bare}", "{bare}", "./origin.git", "http://127.0.0.1:1/public/origin.git",
                "git://127.0.0.1/origin.git", "ext::sh -c true", "fd::3", "/tmp/x@y:z");
    }

    @Test
    void ignoresTheSystemAndGlobalGitConfig() throws Exception {
        // A global config that would send git elsewhere and run a command: the script must not read it.
        var real = java.net.URI.create(http.url("public"));
        Files.writeString(home.resolve(".gitconfig"), "[url \"https://nowhere.invalid/\"]\n\tinsteadOf = "
                + real.getScheme() + "://" + real.getAuthority() + "/\n[core]\n\tfsmonitor = touch " + marker
                + "\n\thooksPath = " + home + "\n");
        Files.writeString(home.resolve("post-checkout"), "#!/bin/sh\ntouch " + marker + "\n");
        assertThat(home.resolve("post-checkout").toFile().setExecutable(true)).isTrue();
        Result r = run(Map.of("GIT_REPO_URL", http.url("public"), "GIT_WORKTREE_BRANCH", "agent/x"));
        assertSucceeded(r);
        assertThat(marker).doesNotExist();
        assertThat(headOf(workspace.resolve("repo"))).isEqualTo(shaB);
    }

    // ---- a hostile workspace ------------------------------------------------------------------------------------

    /**
     * A workspace whose repository the agent (or the previous run that used the volume) armed to run a payload
     * whenever git works in it. Each armed repository is first shown to run the payload when git does work in it; the
     * script must then never run it: it refuses a foreign or unmarked workspace, keeps this run's finished clone
     * without a single git command, and replaces this run's unfinished clone without running git in it.
     */
    @Nested
    class HostileWorkspace {
        enum Situation {
            FOREIGN_RUN, NO_MARKER, THIS_RUN_FINISHED, THIS_RUN_UNFINISHED
        }

        static Stream<Arguments> cases() {
            return Stream.of(Armed.values()).flatMap(a -> Stream.of(Situation.values()).map(s -> Arguments.of(a, s)));
        }

        @ParameterizedTest(name = "{0} in {1}")
        @MethodSource("cases")
        void nothingFromTheWorkspaceRunsAndTheTokenLeaksNowhere(Armed armed, Situation situation) throws Exception {
            Files.writeString(creds.resolve("token"), TOKEN + "\n");
            Map<String, String> env = Map.of("GIT_REPO_URL", http.url("private"));
            assertSucceeded(run(env));
            Path repo = workspace.resolve("repo");
            Path payload = arm(armed, repo);
            assertThat(marker).as("the armed repository runs its payload when git works in it (control)")
                    .isRegularFile();
            Files.delete(marker);
            Files.deleteIfExists(repo.resolve("leaked-token"));
            assertThat(repo.resolve(".git/config")).exists();

            String other = UUID.randomUUID().toString();
            switch (situation) {
                case FOREIGN_RUN -> Files.writeString(workspace.resolve(".agent-operator/run-uid"), other + "\n");
                case NO_MARKER -> {
                    for (String f : List.of("run-uid", "cloned", "base-commit")) {
                        Files.delete(workspace.resolve(".agent-operator").resolve(f));
                    }
                    Files.delete(workspace.resolve(".agent-operator"));
                }
                case THIS_RUN_FINISHED -> { }
                case THIS_RUN_UNFINISHED -> Files.delete(workspace.resolve(".agent-operator/cloned"));
            }
            int gitCommands = sandbox.gitCommands().size();
            Result r = run(env);

            assertThat(marker).as("a payload ran").doesNotExist();
            switch (situation) {
                case FOREIGN_RUN -> {
                    assertThat(r.exit()).as(r.output()).isNotZero();
                    assertThat(r.stderr()).contains("the workspace belongs to run " + other + ", not to this run "
                            + sandbox.runUid);
                    assertThat(sandbox.gitCommands()).hasSize(gitCommands);
                    assertThat(payload).exists(); // left as it was
                }
                case NO_MARKER -> {
                    assertThat(r.exit()).as(r.output()).isNotZero();
                    assertThat(r.stderr()).contains("has no run marker", "this run is " + sandbox.runUid);
                    assertThat(sandbox.gitCommands()).hasSize(gitCommands);
                    assertThat(payload).exists();
                }
                case THIS_RUN_FINISHED -> {
                    assertSucceeded(r);
                    assertThat(r.stdout()).contains("keeping it as it is, without running git in it");
                    assertThat(sandbox.gitCommands()).as("git commands in the kept workspace").hasSize(gitCommands);
                    assertThat(payload).exists();
                }
                case THIS_RUN_UNFINISHED -> {
                    assertSucceeded(r);
                    assertThat(r.stdout()).contains("removing it and cloning again");
                    assertThat(payload).doesNotExist();
                    assertThat(repo.resolve(".git/config")).content().doesNotContain("payload", "evil", "include");
                    assertThat(repo.resolve(".git/hooks/post-checkout")).doesNotExist();
                    assertThat(repo.resolve(".gitattributes")).doesNotExist();
                    assertThat(headOf(repo)).isEqualTo(shaB);
                    // the new clone's commands ran only in the new clone, never with -C on an old one: all after the
                    // clean-up, and none before the clone
                    List<String> commands = sandbox.gitCommands().subList(gitCommands, sandbox.gitCommands().size());
                    assertThat(commands.get(0)).contains(" clone ");
                }
            }
            assertThat(r.output()).doesNotContain(TOKEN);
            sandbox.assertSecretNowhere(gitCli, TOKEN);
        }

        private Path arm(Armed armed, Path repo) throws Exception {
            Path payload = HostileRepository.payload(repo, marker);
            HostileRepository.arm(gitCli, repo, payload, armed, http.url("private"), TestTls.loopbackCaFile());
            return payload;
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
        // The repository's host (localhost:PORT) redirects git to another host (127.0.0.1:PORT): the helper must not
        // answer for that one.
        var real = java.net.URI.create(http.url("private"));
        HttpsServer redirector = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        redirector.setHttpsConfigurator(new HttpsConfigurator(TestTls.loopbackContext()));
        List<String> redirected = new java.util.concurrent.CopyOnWriteArrayList<>();
        redirector.createContext("/", ex -> {
            try (ex) {
                redirected.add(ex.getRequestURI().toString());
                ex.getResponseHeaders().add("Location", real.getScheme() + "://" + real.getAuthority()
                        + ex.getRequestURI());
                ex.sendResponseHeaders(302, -1);
            }
        });
        redirector.start();
        try {
            int seen = http.users.size();
            int challenges = http.challenges.get();
            Result r = run(Map.of("GIT_REPO_URL",
                    "https://localhost:" + redirector.getAddress().getPort() + real.getPath()));
            assertThat(r.exit()).as(r.output()).isNotZero();
            assertThat(redirected).as("git asked the repository's host").isNotEmpty();
            assertThat(http.challenges.get()).as("git followed the redirect").isGreaterThan(challenges);
            assertThat(r.stderr()).contains("terminal prompts disabled");
            assertThat(http.users.subList(seen, http.users.size())).as("no credentials reached the other host")
                    .isEmpty();
            assertSecretNowhere(TOKEN, r);
        } finally {
            redirector.stop(0);
        }
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
        SshServer sshd;
        Path sshDir;
        int port;
        String url;
        String hostKeyLine;
        String privateKey;

        @BeforeAll
        void startSshd() throws Exception {
            sshd = SshServer.start(shared.resolve("ssh"));
            assumeTrue(sshd != null, () -> SshServer.why() + "; skipping the ssh cases");
            sshDir = sshd.dir();
            port = sshd.port();
            privateKey = sshd.privateKey;
            hostKeyLine = sshd.hostKeyLine;
            url = sshd.url(bare);
        }

        @AfterAll
        void stopSshd() {
            if (sshd != null) {
                sshd.close();
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

    /** Runs the script exactly as the Job does ({@code /bin/sh -c SCRIPT}) with only the sandbox's environment. */
    Result run(Map<String, String> vars) throws Exception {
        return sandbox.run(Scripts.GIT_CLONE, vars);
    }

    void assertSucceeded(Result r) {
        assertThat(r.exit()).as("exit code; output:%n%s", r.output()).isZero();
        assertThat(r.stdout()).contains("git-clone: done");
    }

    /** The secret is in none of: the script output, git argv, any file under the roots (default: workspace, HOME). */
    void assertSecretNowhere(String secret, Result r) throws IOException {
        assertSecretNowhere(secret, r, workspace, home);
    }

    void assertSecretNowhere(String secret, Result r, Path... roots) throws IOException {
        assertThat(r.output()).doesNotContain(secret);
        if (Files.exists(argvLog)) {
            assertThat(argvLog).content().doesNotContain(secret);
        }
        Leaks.assertNotInFiles(secret, roots);
    }

    static void assertDetached(Path repo) throws Exception {
        assertThat(gitResult(repo, "symbolic-ref", "-q", "HEAD").exit()).as("HEAD is detached").isNotZero();
    }

    static String headOf(Path repo) throws Exception {
        return git(repo, "rev-parse", "HEAD");
    }

    static String git(Path cwd, String... args) throws Exception {
        return gitCli.git(cwd, args);
    }

    static Result gitResult(Path cwd, String... args) throws Exception {
        return gitCli.result(cwd, args);
    }

    static String exec(Path cwd, String... command) throws Exception {
        return Shell.exec(cwd, shared, command);
    }
}
