package com.xonovex.agentoperator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.xonovex.agentoperator.support.FakeForgeApi;
import com.xonovex.agentoperator.support.GitCli;
import com.xonovex.agentoperator.support.GitHttpServer;
import com.xonovex.agentoperator.support.HostileRepository;
import com.xonovex.agentoperator.support.HostileRepository.Armed;
import com.xonovex.agentoperator.support.Leaks;
import com.xonovex.agentoperator.support.ScriptSandbox;
import com.xonovex.agentoperator.support.Shell;
import com.xonovex.agentoperator.support.SshServer;
import com.xonovex.agentoperator.support.Shell.Result;
import com.xonovex.agentoperator.support.TestTls;

/**
 * Runs the real publish script {@link Scripts#PUBLISH} under {@code /bin/sh -c} after the real clone script made the
 * workspace and the test played the agent in it: pushes to a loopback smart-HTTP server over https with Basic auth,
 * pull and merge requests against a fake GitHub and GitLab API. Each test pushes to its own copy of the origin.
 */
class PublishScriptTest {
    private static final String TOKEN = "tok-" + UUID.randomUUID().toString().replace("-", "");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static String gitBinary;
    static GitCli gitCli;
    static Path srv;
    static Path template;
    static String base; // main tip
    static String otherTip; // branch "other": unrelated history
    static GitHttpServer http;
    static FakeForgeApi forge;

    @TempDir
    Path dir;
    ScriptSandbox sandbox;
    Path origin;
    String url;
    Path workdir;

    record Published(Result result, JsonNode message, String raw) {
        String outcome() {
            return message.path("outcome").asText();
        }
    }

    @BeforeAll
    static void fixture() throws Exception {
        gitBinary = Shell.findOnPath("git");
        assumeTrue(gitBinary != null, "git is not installed");
        assumeTrue(Shell.findOnPath("curl") != null, "curl is not installed");
        gitCli = new GitCli(gitBinary, Files.createDirectories(shared.resolve("git-home")));
        Path work = shared.resolve("work");
        gitCli.git(shared, "init", "-q", "-b", "main", work.toString());
        write(work.resolve("README"), "readme\n");
        write(work.resolve("src/app.txt"), "app v1\n");
        write(work.resolve("src/remove-me.txt"), "to be removed\n");
        write(work.resolve(".github/workflows/ci.yml"), "on: push\n");
        write(work.resolve("Jenkinsfile"), "pipeline {}\n");
        write(work.resolve(".gitlab-ci.yml"), "test: {}\n");
        write(work.resolve(".gitignore"), "build/\n");
        // checked out with CRLF, stored with LF: a publish must not see it as changed
        write(work.resolve(".gitattributes"), "*.bat text eol=crlf\n");
        write(work.resolve("run.bat"), "echo one\necho two\n");
        gitCli.git(work, "add", "-A");
        gitCli.git(work, "commit", "-q", "-m", "base");
        base = gitCli.git(work, "rev-parse", "HEAD");
        gitCli.git(work, "checkout", "-q", "--orphan", "other");
        write(work.resolve("README"), "other history\n");
        gitCli.git(work, "add", "-A");
        gitCli.git(work, "commit", "-q", "-m", "other");
        otherTip = gitCli.git(work, "rev-parse", "HEAD");
        srv = Files.createDirectories(shared.resolve("srv"));
        template = shared.resolve("template.git");
        gitCli.git(shared, "init", "-q", "--bare", "-b", "main", template.toString());
        gitCli.git(work, "push", "-q", template.toString(), "refs/heads/main:refs/heads/main",
                "refs/heads/other:refs/heads/other");
        http = GitHttpServer.startHttps(InetAddress.getLoopbackAddress(), TestTls.loopbackContext(), gitBinary,
                srv, Map.of("x-access-token", TOKEN), shared.resolve("http.log"));
        forge = FakeForgeApi.start(InetAddress.getLoopbackAddress(), TestTls.loopbackContext());
    }

    @AfterAll
    static void stopServers() {
        if (http != null) {
            http.close();
        }
        if (forge != null) {
            forge.close();
        }
    }

    @BeforeEach
    void cloneTheWorkspace() throws Exception {
        forge.reset();
        sandbox = ScriptSandbox.create(dir, gitBinary, TestTls.loopbackCaFile());
        String name = "r" + UUID.randomUUID() + ".git";
        origin = srv.resolve(name);
        copyTree(template, origin);
        url = http.url("private", name);
        Files.writeString(sandbox.creds.resolve("token"), TOKEN + "\n");
        workdir = sandbox.workspace.resolve("repo");
    }

    /** Runs the clone script as the init container would. */
    void cloneWith(Map<String, String> vars) throws Exception {
        Map<String, String> env = new HashMap<>(vars);
        env.put("GIT_REPO_URL", url);
        Result r = sandbox.run(Scripts.GIT_CLONE, env);
        assertThat(r.exit()).as(r.output()).isZero();
    }

    void cloneDefault() throws Exception {
        cloneWith(Map.of());
    }

    Map<String, String> publishEnv(String branch) {
        Map<String, String> env = new HashMap<>();
        env.put("GIT_REPO_URL", url);
        env.put("AGENT_WORKDIR", workdir.toString());
        env.put("PUBLISH_BRANCH", branch);
        env.put("PUBLISH_COMMIT_MESSAGE", "Fix the login handler\n\nBy agent run fix-auth.");
        env.put("PUBLISH_AUTHOR_NAME", "Agent Run");
        env.put("PUBLISH_AUTHOR_EMAIL", "agent@example.com");
        env.put("PUBLISH_MAX_FILES", "0");
        env.put("PUBLISH_MAX_BYTES", "0");
        env.put("TERMINATION_LOG", sandbox.outputs.resolve("termination-log").toString());
        return env;
    }

    Published publish(Map<String, String> env) throws Exception {
        return publish(env, sandbox.base);
    }

    Published publish(Map<String, String> env, Path cwd) throws Exception {
        Map<String, Snapshot> before = snapshot(sandbox.workspace);
        Result r = sandbox.run(Scripts.PUBLISH, cwd, env);
        Path log = sandbox.outputs.resolve("termination-log");
        assertThat(log).as("termination message; output:%n%s", r.output()).exists();
        String raw = Files.readString(log);
        assertThat(raw).endsWith("\n").doesNotContain(TOKEN);
        assertThat(raw.getBytes(StandardCharsets.UTF_8).length).isLessThan(1024);
        assertThat(raw.strip()).doesNotContain("\n");
        JsonNode message = JSON.readTree(raw);
        assertThat(message.fieldNames()).toIterable().containsExactlyInAnyOrder("outcome", "rule", "message",
                "branch", "commit", "baseCommit", "changedFiles", "changedBytes", "pullRequestURL");
        int expectedExit = switch (message.path("outcome").asText()) {
            case "Pushed", "NoChanges" -> 0;
            case "Refused" -> 2;
            case "PullRequestFailed" -> 3;
            default -> 1;
        };
        assertThat(r.exit()).as("exit code for %s; output:%n%s", raw, r.output()).isEqualTo(expectedExit);
        assertThat(snapshot(sandbox.workspace)).as("the workspace is unchanged").isEqualTo(before);
        return new Published(r, message, raw);
    }

    // ---- pushing ------------------------------------------------------------------------------------------------

    @Test
    void pushesTheWorkingTreeAsOneCommitOnTheBase() throws Exception {
        cloneDefault();
        // the agent commits some of its work in the workspace and leaves the rest uncommitted
        write(workdir.resolve("src/app.txt"), "app v2\n");
        sandboxGit(workdir, "commit", "-q", "-am", "agent's own commit");
        write(workdir.resolve("src/new/feature.txt"), "new feature\n");
        Files.delete(workdir.resolve("src/remove-me.txt"));
        write(workdir.resolve("tool.sh"), "#!/bin/sh\necho tool\n");
        Files.setPosixFilePermissions(workdir.resolve("tool.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(workdir.resolve("src/new/link"), Path.of("../app.txt"));
        write(workdir.resolve("build/out.bin"), "ignored\n");

        Published p = publish(publishEnv("agent/fix-auth"));

        assertThat(p.outcome()).as(p.raw()).isEqualTo("Pushed");
        String tip = bare("rev-parse", "refs/heads/agent/fix-auth");
        assertThat(p.message().path("commit").asText()).isEqualTo(tip);
        assertThat(p.message().path("baseCommit").asText()).isEqualTo(base);
        assertThat(p.message().path("branch").asText()).isEqualTo("agent/fix-auth");
        assertThat(p.message().path("rule").asText()).isEmpty();
        assertThat(p.message().path("pullRequestURL").asText()).isEmpty();
        assertThat(bare("rev-parse", tip + "^@")).as("one parent: the base").isEqualTo(base);
        assertThat(bare("show", "-s", "--format=%an <%ae>|%cn <%ce>", tip))
                .isEqualTo("Agent Run <agent@example.com>|Agent Run <agent@example.com>");
        assertThat(bare("show", "-s", "--format=%B", tip)).isEqualTo("Fix the login handler\n\nBy agent run fix-auth.");
        assertThat(bare("show", tip + ":src/app.txt")).isEqualTo("app v2");
        assertThat(bare("show", tip + ":src/new/feature.txt")).isEqualTo("new feature");
        assertThat(bare("show", tip + ":run.bat")).as("stored with LF as before").isEqualTo("echo one\necho two");
        assertThat(bare("ls-tree", tip, "tool.sh")).startsWith("100755 blob");
        assertThat(bare("ls-tree", tip, "src/new/link")).startsWith("120000 blob");
        assertThat(bare("cat-file", "-p", tip + ":src/new/link")).isEqualTo("../app.txt");
        assertThat(bare("diff-tree", "-r", "--no-renames", "--name-status", base, tip).lines().toList())
                .containsExactlyInAnyOrder("M\tsrc/app.txt", "A\tsrc/new/feature.txt", "A\tsrc/new/link",
                        "D\tsrc/remove-me.txt", "A\ttool.sh");
        assertThat(p.message().path("changedFiles").asInt()).isEqualTo(5);
        long bytes = "app v2\n".length() + "new feature\n".length() + "../app.txt".length()
                + "#!/bin/sh\necho tool\n".length();
        assertThat(p.message().path("changedBytes").asLong()).isEqualTo(bytes);
        assertThat(p.result().stdout()).contains("publish: pushing to branch agent/fix-auth");
        assertThat(bare("rev-parse", "refs/heads/main")).as("main is untouched").isEqualTo(base);
        assertTokenNowhere(p);
    }

    @Test
    void publishesTheWorktreeOfAWorktreeRun() throws Exception {
        cloneWith(Map.of("GIT_WORKTREE_BRANCH", "agent/wt"));
        workdir = sandbox.workspace.resolve("worktree");
        write(workdir.resolve("README"), "changed in the worktree\n");
        Published p = publish(publishEnv("agent/wt"));
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Pushed");
        String tip = bare("rev-parse", "refs/heads/agent/wt");
        assertThat(bare("rev-parse", tip + "^")).isEqualTo(base);
        assertThat(bare("show", tip + ":README")).isEqualTo("changed in the worktree");
        assertTokenNowhere(p);
    }

    @Test
    void noChangeMeansNothingIsPushed() throws Exception {
        cloneDefault();
        write(workdir.resolve("build/ignored.txt"), "ignored by .gitignore\n");
        Published p = publish(publishEnv("agent/nothing"));
        assertThat(p.outcome()).as(p.raw()).isEqualTo("NoChanges");
        assertThat(p.message().path("commit").asText()).isEmpty();
        assertThat(p.message().path("baseCommit").asText()).isEqualTo(base);
        assertThat(bareResult("rev-parse", "--verify", "-q", "refs/heads/agent/nothing").exit()).isNotZero();
        assertTokenNowhere(p);
    }

    @Test
    void aBranchThatExistsWithOtherHistoryIsNotOverwritten() throws Exception {
        cloneDefault();
        write(workdir.resolve("README"), "mine\n");
        Published p = publish(publishEnv("other"));
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Failed");
        assertThat(p.message().path("rule").asText()).isEqualTo("PushFailed");
        assertThat(p.message().path("message").asText()).contains("rejected");
        assertThat(p.message().path("commit").asText()).isEmpty();
        assertThat(bare("rev-parse", "refs/heads/other")).isEqualTo(otherTip);
        assertTokenNowhere(p);
    }

    @Test
    void aBranchThatExistsAtTheBaseMovesForward() throws Exception {
        cloneDefault();
        bare("update-ref", "refs/heads/agent/existing", base);
        write(workdir.resolve("README"), "forward\n");
        Published p = publish(publishEnv("agent/existing"));
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Pushed");
        assertThat(bare("rev-parse", "refs/heads/agent/existing^")).isEqualTo(base);
    }

    @Test
    void theBaseBranchIsRefusedUnlessAllowed() throws Exception {
        cloneDefault();
        write(workdir.resolve("README"), "straight to main\n");
        Published refused = publish(publishEnv("main"));
        assertThat(refused.outcome()).as(refused.raw()).isEqualTo("Refused");
        assertThat(refused.message().path("rule").asText()).isEqualTo("BaseBranch");
        assertThat(bare("rev-parse", "refs/heads/main")).isEqualTo(base);

        Map<String, String> env = publishEnv("main");
        env.put("PUBLISH_ALLOW_BASE_BRANCH", "true");
        Published allowed = publish(env);
        assertThat(allowed.outcome()).as(allowed.raw()).isEqualTo("Pushed");
        assertThat(bare("rev-parse", "refs/heads/main^")).isEqualTo(base);
    }

    @Test
    void theRemotesDefaultBranchIsRefusedToo() throws Exception {
        bare("update-ref", "refs/heads/feature", base);
        cloneWith(Map.of("GIT_BRANCH", "feature"));
        assertThat(sandbox.state.resolve("base-branch")).hasContent("feature");
        write(workdir.resolve("README"), "to the default branch\n");
        Published p = publish(publishEnv("main"));
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Refused");
        assertThat(p.message().path("rule").asText()).isEqualTo("BaseBranch");
        assertThat(p.message().path("message").asText()).contains("default branch");
        assertThat(bare("rev-parse", "refs/heads/main")).isEqualTo(base);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-x", "a..b", "@{-1}", "x y", "x:y", "refs/heads/../x", "x.lock", "", "a\nb"})
    void anInvalidBranchIsRefused(String branch) throws Exception {
        cloneDefault();
        write(workdir.resolve("README"), "x\n");
        Published p = publish(publishEnv(branch));
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Refused");
        assertThat(p.message().path("rule").asText()).isEqualTo("InvalidBranch");
        assertThat(sandbox.gitCommands()).noneMatch(c -> c.contains(" push ") || c.contains(" fetch "));
    }

    @Test
    void theBaseCommitComesFromTheStateVolumeNotTheWorkspace() throws Exception {
        cloneDefault();
        // the agent rewrites the workspace's informational copy: publish must not use it
        Files.writeString(sandbox.workspace.resolve(".agent-operator/base-commit"), otherTip + "\n");
        write(workdir.resolve("README"), "x\n");
        Published p = publish(publishEnv("agent/base"));
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Pushed");
        assertThat(bare("rev-parse", "refs/heads/agent/base^")).isEqualTo(base);
        assertThat(p.message().path("baseCommit").asText()).isEqualTo(base);
    }

    @Test
    void withoutATrustedBaseCommitNothingIsPushed() throws Exception {
        cloneDefault();
        Files.delete(sandbox.state.resolve("base-commit"));
        write(workdir.resolve("README"), "x\n");
        Published p = publish(publishEnv("agent/nobase"));
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Failed");
        assertThat(p.message().path("rule").asText()).isEqualTo("NoBaseCommit");
        assertThat(bareResult("rev-parse", "--verify", "-q", "refs/heads/agent/nobase").exit()).isNotZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUBLISH_MAX_FILES=many", "PUBLISH_MAX_BYTES=-1", "PUBLISH_MAX_FILES=1e3"})
    void invalidLimitsFail(String setting) throws Exception {
        cloneDefault();
        Map<String, String> env = publishEnv("agent/limits");
        env.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        Published p = publish(env);
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Failed");
        assertThat(p.message().path("rule").asText()).isEqualTo("InvalidSetting");
    }

    // ---- the change policy --------------------------------------------------------------------------------------

    @Test
    void moreFilesThanAllowedAreRefused() throws Exception {
        cloneDefault();
        write(workdir.resolve("a.txt"), "a\n");
        write(workdir.resolve("b.txt"), "b\n");
        Files.delete(workdir.resolve("src/remove-me.txt"));
        Map<String, String> env = publishEnv("agent/files");
        env.put("PUBLISH_MAX_FILES", "2");
        Published p = publish(env);
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Refused");
        assertThat(p.message().path("rule").asText()).isEqualTo("MaxFilesExceeded");
        assertThat(p.message().path("changedFiles").asInt()).isEqualTo(3);
        assertThat(p.message().path("changedBytes").asInt()).as("a\\n and b\\n").isEqualTo(4);
        assertThat(bareResult("rev-parse", "--verify", "-q", "refs/heads/agent/files").exit()).isNotZero();

        env.put("PUBLISH_MAX_FILES", "3");
        assertThat(publish(env).outcome()).isEqualTo("Pushed");
    }

    @Test
    void moreBytesThanAllowedAreRefused() throws Exception {
        cloneDefault();
        write(workdir.resolve("big.bin"), "x".repeat(10_000));
        Files.delete(workdir.resolve("src/remove-me.txt")); // a deletion adds no bytes
        Map<String, String> env = publishEnv("agent/bytes");
        env.put("PUBLISH_MAX_BYTES", "9999");
        Published p = publish(env);
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Refused");
        assertThat(p.message().path("rule").asText()).isEqualTo("MaxBytesExceeded");
        assertThat(p.message().path("changedBytes").asLong()).isEqualTo(10_000);
        assertThat(bareResult("rev-parse", "--verify", "-q", "refs/heads/agent/bytes").exit()).isNotZero();

        env.put("PUBLISH_MAX_BYTES", "10000");
        assertThat(publish(env).outcome()).isEqualTo("Pushed");
    }

    static Stream<Arguments> protectedChanges() {
        return Stream.of(
                Arguments.of("add", ".github/workflows/evil.yml", ".github/workflows/evil.yml"),
                Arguments.of("modify", ".github/workflows/ci.yml", ".github/workflows/ci.yml"),
                Arguments.of("delete", ".github/workflows/ci.yml", ".github/workflows/ci.yml"),
                Arguments.of("modify", "Jenkinsfile", "Jenkinsfile"),
                Arguments.of("add", "deep/down/Jenkinsfile", "deep/down/Jenkinsfile"),
                Arguments.of("delete", ".gitlab-ci.yml", ".gitlab-ci.yml"),
                Arguments.of("add", ".GitHub/Workflows/x.yml", ".GitHub/Workflows/x.yml"),
                Arguments.of("add", "deploy/prod/values.yaml", "deploy/prod/values.yaml"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("protectedChanges")
    void aProtectedPathIsRefused(String change, String path, String reported) throws Exception {
        cloneDefault();
        write(workdir.resolve("README"), "an allowed change too\n");
        switch (change) {
            case "add", "modify" -> write(workdir.resolve(path), "changed\n");
            default -> Files.delete(workdir.resolve(path));
        }
        Map<String, String> env = publishEnv("agent/protected");
        env.put("PUBLISH_PROTECTED_PATHS", ".github/workflows/**\n/.gitlab-ci.yml\n\n**/Jenkinsfile\ndeploy/\n");
        Published p = publish(env);
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Refused");
        assertThat(p.message().path("rule").asText()).isEqualTo("ProtectedPath");
        assertThat(p.message().path("message").asText()).endsWith(reported);
        assertThat(bareResult("rev-parse", "--verify", "-q", "refs/heads/agent/protected").exit()).isNotZero();
    }

    @Test
    void aPathNearAProtectedOneIsAllowed() throws Exception {
        cloneDefault();
        write(workdir.resolve(".github/workflowsx/ok.yml"), "ok\n");
        write(workdir.resolve("docs/Jenkinsfile.md"), "ok\n");
        write(workdir.resolve("deployment.txt"), "ok\n");
        Map<String, String> env = publishEnv("agent/near");
        env.put("PUBLISH_PROTECTED_PATHS", ".github/workflows/**\n**/Jenkinsfile\ndeploy");
        Published p = publish(env);
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Pushed");
    }

    // ---- pull and merge requests --------------------------------------------------------------------------------

    @Test
    void opensAGithubPullRequest() throws Exception {
        cloneDefault();
        write(workdir.resolve("README"), "pr\n");
        Map<String, String> env = publishEnv("agent/pr");
        String body = "{\"title\":\"Fix \\\"auth\\\"\",\"body\":\"$(touch x) `y`\",\"head\":\"agent/pr\","
                + "\"base\":\"main\",\"draft\":true}";
        env.putAll(Map.of("PR_PROVIDER", "github", "PR_API_URL", forge.githubUrl(), "PR_REPOSITORY", "acme/widgets",
                "PR_REQUEST_JSON", body));
        Published p = publish(env);
        assertThat(p.outcome()).as(p.raw() + p.result().output()).isEqualTo("Pushed");
        assertThat(p.message().path("pullRequestURL").asText()).isEqualTo(FakeForgeApi.GITHUB_PR_URL);
        assertThat(forge.requests).hasSize(1);
        var request = forge.requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/repos/acme/widgets/pulls");
        assertThat(request.header("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(request.header("PRIVATE-TOKEN")).isNull();
        assertThat(request.header("Accept")).isEqualTo("application/vnd.github+json");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(bare("rev-parse", "refs/heads/agent/pr")).isEqualTo(p.message().path("commit").asText());
        assertTokenNowhere(p);
    }

    @Test
    void opensAGitlabMergeRequest() throws Exception {
        cloneDefault();
        write(workdir.resolve("README"), "mr\n");
        Map<String, String> env = publishEnv("agent/mr");
        String body = "{\"source_branch\":\"agent/mr\",\"target_branch\":\"main\",\"title\":\"t\","
                + "\"description\":\"d\",\"draft\":false}";
        env.putAll(Map.of("PR_PROVIDER", "gitlab", "PR_API_URL", forge.gitlabUrl() + "/", "PR_REPOSITORY",
                "acme%2Fwidgets", "PR_REQUEST_JSON", body));
        Published p = publish(env);
        assertThat(p.outcome()).as(p.raw() + p.result().output()).isEqualTo("Pushed");
        assertThat(p.message().path("pullRequestURL").asText()).isEqualTo(FakeForgeApi.GITLAB_MR_URL);
        var request = forge.requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/api/v4/projects/acme%2Fwidgets/merge_requests");
        assertThat(request.header("PRIVATE-TOKEN")).isEqualTo(TOKEN);
        assertThat(request.header("Authorization")).isNull();
        assertThat(JSON.readTree(request.body())).isEqualTo(JSON.readTree(body));
        assertTokenNowhere(p);
    }

    @Test
    void aFailedPullRequestKeepsThePush() throws Exception {
        cloneDefault();
        write(workdir.resolve("README"), "pr\n");
        forge.failWith(422, "{\"message\":\"Validation Failed\",\"errors\":[{\"message\":\"exists\"}]}");
        Map<String, String> env = publishEnv("agent/prfail");
        env.putAll(Map.of("PR_PROVIDER", "github", "PR_API_URL", forge.githubUrl(), "PR_REPOSITORY", "acme/widgets",
                "PR_REQUEST_JSON", "{}"));
        Published p = publish(env);
        assertThat(p.outcome()).as(p.raw()).isEqualTo("PullRequestFailed");
        assertThat(p.message().path("message").asText()).contains("422", "Validation Failed");
        assertThat(p.message().path("commit").asText()).isEqualTo(bare("rev-parse", "refs/heads/agent/prfail"));
        assertTokenNowhere(p);
    }

    @Test
    void anAnswerThatEchoesTheTokenIsNotPassedOn() throws Exception {
        cloneDefault();
        write(workdir.resolve("README"), "pr\n");
        forge.failWith(401, "{\"message\":\"Bad credentials: Bearer " + TOKEN + "\"}");
        Map<String, String> env = publishEnv("agent/echo");
        env.putAll(Map.of("PR_PROVIDER", "github", "PR_API_URL", forge.githubUrl(), "PR_REPOSITORY", "acme/widgets",
                "PR_REQUEST_JSON", "{}"));
        Published p = publish(env);
        assertThat(p.outcome()).as(p.raw()).isEqualTo("PullRequestFailed");
        assertThat(p.message().path("message").asText()).contains("withheld");
        assertTokenNowhere(p);
    }

    static Stream<Arguments> badPullRequestSettings() {
        return Stream.of(
                Arguments.of("PR_API_URL", "http://127.0.0.1:1", "https://"),
                Arguments.of("PR_PROVIDER", "bitbucket", "github or gitlab"),
                Arguments.of("PR_REPOSITORY", "acme/widgets/../../x", "owner/repository"),
                Arguments.of("PR_REPOSITORY", "-K/etc", "owner/repository"),
                Arguments.of("PR_REQUEST_JSON", "", "PR_REQUEST_JSON is empty"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badPullRequestSettings")
    void badPullRequestSettingsKeepThePush(String variable, String value, String reason) throws Exception {
        cloneDefault();
        write(workdir.resolve("README"), "pr\n");
        Map<String, String> env = publishEnv("agent/prbad");
        env.putAll(Map.of("PR_PROVIDER", "github", "PR_API_URL", forge.githubUrl(), "PR_REPOSITORY", "acme/widgets",
                "PR_REQUEST_JSON", "{}"));
        env.put(variable, value);
        Published p = publish(env);
        assertThat(p.outcome()).as(p.raw()).isEqualTo("PullRequestFailed");
        assertThat(p.message().path("message").asText()).contains(reason);
        assertThat(forge.requests).isEmpty();
        assertThat(bare("rev-parse", "refs/heads/agent/prbad")).isEqualTo(p.message().path("commit").asText());
    }

    // ---- a hostile workspace ------------------------------------------------------------------------------------

    /**
     * The agent's .git armed every way at once (each shown live first), a .gitattributes naming the filter, an
     * executable named git in the tree and on a relative PATH entry, the script started in the working tree, a
     * nested .git file pointing at the armed repository's objects... The publish pushes the files byte for byte and
     * runs nothing.
     */
    @Test
    void nothingInTheWorkspaceRunsAndTheFilesArePushedAsTheyAre() throws Exception {
        cloneDefault();
        Path payload = HostileRepository.payload(workdir, sandbox.marker);
        for (Armed armed : Armed.values()) {
            HostileRepository.arm(gitCli, workdir, payload, armed, url, TestTls.loopbackCaFile());
            assertThat(sandbox.marker).as("%s is live", armed).isRegularFile();
            Files.delete(sandbox.marker);
            Files.deleteIfExists(workdir.resolve("leaked-token")); // made empty by the control run, which has no token
        }
        // the armed repository rejects the tests' own `git add` now; the script must not care
        write(workdir.resolve(".gitattributes"), "* filter=evil\n*.bat text eol=crlf\n");
        String fakeGit = "#!/bin/sh\ntouch '" + sandbox.marker + "'\ncat \"$GIT_CREDENTIALS_DIR/token\" > '"
                + workdir.resolve("stolen") + "'\n";
        for (String p : List.of("git", "bin/git", "sub/.git/hooks/pre-commit")) {
            write(workdir.resolve(p), fakeGit);
            Files.setPosixFilePermissions(workdir.resolve(p), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        write(workdir.resolve("README"), "changed by the agent\n");
        write(workdir.resolve(".agent-operator/run-uid"), "the operator's name, not the agent's work\n");
        Files.deleteIfExists(workdir.resolve("filtered.txt"));
        Map<String, String> env = publishEnv("agent/hostile");
        env.put("PATH", ".:bin:" + sandbox.bin + ":/usr/local/bin:/usr/bin:/bin");

        Published p = publish(env, workdir);

        assertThat(sandbox.marker).as("a payload ran").doesNotExist();
        assertThat(workdir.resolve("stolen")).doesNotExist();
        assertThat(workdir.resolve("leaked-token")).doesNotExist();
        assertThat(p.outcome()).as(p.raw() + p.result().output()).isEqualTo("Pushed");
        String tip = bare("rev-parse", "refs/heads/agent/hostile");
        assertThat(bare("show", tip + ":README")).isEqualTo("changed by the agent");
        assertThat(bare("show", tip + ":.gitattributes")).isEqualTo("* filter=evil\n*.bat text eol=crlf");
        assertThat(bare("show", tip + ":git")).isEqualTo(fakeGit.strip());
        assertThat(bare("ls-tree", "-r", "--name-only", tip).lines().toList()).doesNotContain(
                ".git/config", ".git/payload.sh", "sub/.git/hooks/pre-commit", "leaked-token",
                ".agent-operator/run-uid")
                .noneMatch(path -> path.contains(".git/"));
        assertTokenNowhere(p);
    }

    static Stream<Arguments> escapingLinks() {
        return Stream.of(
                Arguments.of("the token file", "leak", "{creds}/token"),
                Arguments.of("the credentials directory", "creds", "{creds}"),
                Arguments.of("/etc/passwd", "passwd", "/etc/passwd"),
                Arguments.of("a relative path up and out", "src/up", "../../../../../../etc/passwd"),
                Arguments.of("a directory above the tree", "src/above", "../.."),
                Arguments.of("the workspace's markers", "marks", "../.agent-operator"),
                Arguments.of(".gitattributes to the token", ".gitattributes", "{creds}/token"),
                Arguments.of(".gitignore to the token", ".gitignore", "{creds}/token"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapingLinks")
    void aSymlinkLeavingTheTreeIsRefused(String what, String link, String target) throws Exception {
        cloneDefault();
        write(workdir.resolve("README"), "x\n");
        Files.deleteIfExists(workdir.resolve(link));
        Files.createDirectories(workdir.resolve(link).getParent());
        Files.createSymbolicLink(workdir.resolve(link), Path.of(target.replace("{creds}", sandbox.creds.toString())));
        Published p = publish(publishEnv("agent/link"));
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Refused");
        assertThat(p.message().path("rule").asText()).isEqualTo("SymlinkOutsideTree");
        assertThat(p.message().path("message").asText()).contains(link);
        assertThat(bareResult("rev-parse", "--verify", "-q", "refs/heads/agent/link").exit()).isNotZero();
        assertTokenNowhere(p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"the credentials", "a directory outside"})
    void aWorkingTreeThatIsASymlinkIsRefused(String target) throws Exception {
        cloneDefault();
        Path moved = sandbox.workspace.resolve("moved");
        Files.move(workdir, moved);
        Files.createSymbolicLink(workdir, target.equals("the credentials") ? sandbox.creds : sandbox.home);
        Published p = publish(publishEnv("agent/linked"));
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Refused");
        assertThat(p.message().path("rule").asText()).isEqualTo("SymlinkOutsideTree");
        assertThat(bareResult("rev-parse", "--verify", "-q", "refs/heads/agent/linked").exit()).isNotZero();
        assertTokenNowhere(p);
    }

    @Test
    void aSymlinkInsideTheTreeIsFine() throws Exception {
        cloneDefault();
        Files.createSymbolicLink(workdir.resolve("src/same"), Path.of("../README"));
        Files.createSymbolicLink(workdir.resolve("here"), Path.of("./src/../src"));
        Published p = publish(publishEnv("agent/inside"));
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Pushed");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aNestedRepositoryIsRefused(boolean withCommit) throws Exception {
        cloneDefault();
        Path nested = workdir.resolve("vendor/lib");
        Files.createDirectories(nested);
        gitCli.git(nested, "init", "-q");
        write(nested.resolve("lib.txt"), "lib\n");
        if (withCommit) {
            gitCli.git(nested, "add", "lib.txt");
            gitCli.git(nested, "commit", "-q", "-m", "lib");
        }
        Published p = publish(publishEnv("agent/nested"));
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Refused");
        assertThat(p.message().path("rule").asText()).isEqualTo("NestedRepository");
        assertThat(p.message().path("message").asText())
                .isIn("the working tree holds a nested git repository: vendor/lib",
                        "the working tree holds a nested git repository: vendor/lib/");
        assertThat(bareResult("rev-parse", "--verify", "-q", "refs/heads/agent/nested").exit()).isNotZero();
    }

    @Test
    void aFifoInTheTreeNeitherBlocksNorIsPushed() throws Exception {
        cloneDefault();
        Shell.exec(workdir, shared, "mkfifo", workdir.resolve("pipe").toString());
        write(workdir.resolve("README"), "x\n");
        Published p = publish(publishEnv("agent/fifo"));
        assertThat(p.outcome()).as(p.raw()).isEqualTo("Pushed");
        assertThat(bare("ls-tree", "-r", "--name-only", "refs/heads/agent/fifo")).doesNotContain("pipe");
    }

    // ---- ssh ----------------------------------------------------------------------------------------------------

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OverSsh {
        SshServer sshd;

        @BeforeAll
        void startSshd() throws Exception {
            sshd = SshServer.start(shared.resolve("ssh"));
            assumeTrue(sshd != null, () -> SshServer.why() + "; skipping the ssh cases");
        }

        @AfterAll
        void stopSshd() {
            if (sshd != null) {
                sshd.close();
            }
        }

        @Test
        void pushesWithTheKeyOfTheCredentialsSecret() throws Exception {
            Files.delete(sandbox.creds.resolve("token"));
            Files.writeString(sandbox.creds.resolve("ssh-privatekey"), sshd.privateKey);
            Files.writeString(sandbox.creds.resolve("known_hosts"), sshd.hostKeyLine);
            url = sshd.url(origin);
            cloneDefault();
            write(workdir.resolve("README"), "over ssh\n");
            // the agent's repository names its own ssh command: never used
            gitCli.git(workdir, "config", "core.sshCommand", "touch " + sandbox.marker);
            Published p = publish(publishEnv("agent/ssh"));
            assertThat(p.outcome()).as(p.raw() + p.result().output()).isEqualTo("Pushed");
            assertThat(p.result().stdout()).contains("using the ssh key from the credentials Secret");
            assertThat(bare("show", "refs/heads/agent/ssh:README")).isEqualTo("over ssh");
            assertThat(sandbox.marker).doesNotExist();
            String keyLine = sshd.privateKey.split("\n")[sshd.privateKey.split("\n").length / 2];
            assertThat(p.result().output()).doesNotContain(keyLine);
            Leaks.assertNotInFiles(keyLine, sandbox.workspace, sandbox.tmp, sandbox.outputs, sandbox.state);
            Leaks.assertNotInObjects(gitCli, keyLine, sandbox.home, sandbox.workspace, origin);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** The token is in no output, file or git object of the sandbox, nor in any object of the origin. */
    void assertTokenNowhere(Published p) throws Exception {
        assertThat(p.result().output()).doesNotContain(TOKEN);
        assertThat(p.raw()).doesNotContain(TOKEN);
        sandbox.assertSecretNowhere(gitCli, TOKEN, origin);
        assertThat(Leaks.gitDirs(origin)).hasSize(1);
    }

    String bare(String... args) throws Exception {
        return gitCli.git(origin, prepend("--git-dir=" + origin, args));
    }

    Result bareResult(String... args) throws Exception {
        return gitCli.result(origin, prepend("--git-dir=" + origin, args));
    }

    /** The tests' git in the agent's repository: with its hooks and config, as the agent would run it. */
    void sandboxGit(Path cwd, String... args) throws Exception {
        gitCli.git(cwd, args);
    }

    static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    record Snapshot(String type, long size, long modified, String permissions, String linkTarget) {
    }

    /** Every entry under the root (links not followed) with its type, size, time, permissions and link target. */
    static Map<String, Snapshot> snapshot(Path root) throws IOException {
        Map<String, Snapshot> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                var attributes = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String type = attributes.isSymbolicLink() ? "link" : attributes.isDirectory() ? "dir"
                        : attributes.isRegularFile() ? "file" : "other";
                entries.put(root.relativize(p).toString(), new Snapshot(type, type.equals("dir") ? 0
                        : attributes.size(), type.equals("dir") ? 0 : attributes.lastModifiedTime().toMillis(),
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)),
                        attributes.isSymbolicLink() ? Files.readSymbolicLink(p).toString() : null));
            }
        }
        return entries;
    }
}
