package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.xonovex.agentoperator.Fixtures;
import com.xonovex.agentoperator.agent.AgentAdapter;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.SecretKeyRef;
import com.xonovex.agentoperator.api.SecretRef;
import com.xonovex.agentoperator.resolve.ProviderSettings;
import com.xonovex.agentoperator.resolve.ResolvedRun;
import com.xonovex.agentoperator.workload.AgentJobBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** The agent pod passes the "restricted" Pod Security Standard, as the API server's admission enforces it. */
class PodSecurityTest extends ClusterTest {
    @ParameterizedTest
    @EnumSource(AgentType.class)
    void theAgentPodIsAdmittedInARestrictedNamespace(AgentType type) {
        client.namespaces().withName(namespace).edit(ns -> {
            ns.getMetadata().setLabels(Map.of("pod-security.kubernetes.io/enforce", "restricted",
                    "pod-security.kubernetes.io/enforce-version", "latest"));
            return ns;
        });
        var run = Fixtures.run("secure", type);
        run.getMetadata().setNamespace(namespace);
        run.getSpec().getRepository().setCredentialsSecretRef(new SecretRef("git-creds"));
        var adapter = AgentAdapter.forType(type);
        var resolved = new ResolvedRun(adapter, new ProviderSettings("p", new SecretKeyRef("s", "k"),
                adapter.defaultTokenEnv(), Map.of()), "example.com/agent-runner:1",
                java.time.Duration.ofMinutes(5), Optional.empty(), "1Gi", List.of());
        var template = AgentJobBuilder.build(run, resolved, Fixtures.config()).getSpec().getTemplate();
        var pod = new PodBuilder().withMetadata(template.getMetadata()).withSpec(template.getSpec()).build();
        pod.getMetadata().setName("secure-pod");
        pod.getMetadata().setNamespace(namespace);

        var admitted = client.resource(pod).dryRun().create();
        assertThat(admitted.getMetadata().getName()).isEqualTo("secure-pod");

        // the check has teeth: the same pod with one container allowed to escalate is refused
        pod.getSpec().getContainers().get(0).getSecurityContext().setAllowPrivilegeEscalation(true);
        assertThatThrownBy(() -> client.resource(pod).dryRun().create())
                .isInstanceOfSatisfying(KubernetesClientException.class,
                        e -> assertThat(e.getMessage()).contains("violates PodSecurity \"restricted:latest\""));
    }
}
