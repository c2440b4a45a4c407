package com.xonovex.agentoperator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.Phase;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * A real AgentRun end to end on the real node, for each agent: git-clone (the agent-runner image's git, the operator's
 * script) clones over https with the credentials Secret from the test git server on the node's address; the real CLI
 * runs in the agent container against a fake Messages API whose scripted turn writes a file; the run ends Succeeded
 * and the file is in the workspace volume. The namespace enforces the restricted Pod Security Standard.
 */
class AgentRunIT extends RealNodeTest {
    @ParameterizedTest
    @EnumSource(AgentType.class)
    void aRealAgentClonesWritesTheFileAndSucceeds(AgentType agent) throws Exception {
        var ns = newNamespace("run-" + agent.name().toLowerCase());
        var content = "written by " + agent + " in a pod " + UUID.randomUUID() + "\n";
        var api = fakeApi(agent, content);
        provider(ns, PROVIDER, api, Map.of());
        int pushes = env().git.users.size();

        run(ns, "write-a-file", agent, RealNodeEnvironment.REPOSITORY, "5m");
        var run = awaitTerminal(ns, "write-a-file", Duration.ofMinutes(5));
        assertThat(run.getStatus().getPhase()).as("phase%s", describe(ns, run)).isEqualTo(Phase.SUCCEEDED);
        assertThat(run.getStatus().getExitCode()).isZero();

        // git-clone authenticated with the Secret's user; the clone is in the workspace, next to the agent's file
        assertThat(env().git.users.subList(pushes, env().git.users.size())).isNotEmpty()
                .containsOnly(RealNodeEnvironment.GIT_USER);
        var repo = workspace(ns, run).resolve("repo");
        assertThat(repo.resolve("README")).hasContent(Repositories.README.strip());
        assertThat(repo.resolve(WRITTEN)).as("the file the agent wrote%s", describe(ns, run)).exists();
        assertThat(Files.readString(repo.resolve(WRITTEN))).isEqualTo(content);
        // written by the agent container's user, the pod's runAsUser
        assertThat(Files.getAttribute(repo.resolve(WRITTEN), "unix:uid")).isEqualTo(1000);

        // the CLI talked to the fake API with the provider's token, and carried out the tool call
        assertThat(api.toolResults()).as("tool results sent back").isPositive();
        var authHeader = agent == AgentType.CLAUDE ? "Authorization" : "x-api-key";
        var expected = agent == AgentType.CLAUDE ? "Bearer " + TOKEN : TOKEN;
        assertThat(api.requests()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.header(authHeader)).isEqualTo(expected));

        // the token and the git password appear in no Job or Pod spec or status, and not in the run
        var job = client().batch().v1().jobs().inNamespace(ns).withName(run.getStatus().getJobName()).get();
        var pod = pod(ns, run);
        for (var text : new String[] { Serialization.asJson(job), Serialization.asJson(pod),
                Serialization.asJson(run) }) {
            assertThat(text).doesNotContain(TOKEN).doesNotContain(RealNodeEnvironment.GIT_PASSWORD);
        }
        // the agent's output is the CLI's JSON lines
        assertThat(log(ns, pod.getMetadata().getName(), "agent")).contains("{\"type\":");
        assertThat(log(ns, pod.getMetadata().getName(), "git-clone")).contains("git-clone: done");
    }

    @Test
    void theRunsNamespaceEnforcesTheRestrictedStandard() throws Exception {
        var ns = newNamespace("restricted");
        var privileged = new PodBuilder().withNewMetadata().withName("privileged").withNamespace(ns).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage(env().runnerImage)
                .withNewSecurityContext().withPrivileged(true).endSecurityContext().endContainer().endSpec().build();
        assertThatThrownBy(() -> client().resource(privileged).dryRun().create())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining("violates PodSecurity")
                .hasMessageContaining("restricted");
    }
}
