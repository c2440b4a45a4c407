package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.xonovex.agentoperator.api.SchemaWalk;

/**
 * What users see through the real API server: its published OpenAPI v3 schema of our group has a description on
 * every field of every kind, and {@code kubectl explain} prints them.
 */
class ApiDescriptionsTest extends ClusterTest {
    private static final List<String> KINDS = List.of("AgentRun", "AgentProvider", "AgentConfig", "AgentPolicy");

    @Test
    void thePublishedSchemaDescribesEveryFieldOfEveryKind() throws Exception {
        var document = new ObjectMapper().readTree(client.raw("/openapi/v3/apis/agent.xonovex.com/v1alpha1"));
        var schemas = document.path("components").path("schemas");
        var found = new ArrayList<String>();
        schemas.fieldNames().forEachRemaining(name -> {
            var kind = name.substring(name.lastIndexOf('.') + 1);
            if (KINDS.contains(kind)) {
                found.add(kind);
                assertThat(SchemaWalk.undescribed(schemas.path(name))).as("fields of %s without a description", kind)
                        .isEmpty();
            }
        });
        assertThat(found).containsExactlyInAnyOrderElementsOf(KINDS);
    }

    @Test
    void kubectlExplainReadsLikeAReference() throws Exception {
        var repository = SamplesTest.kubectl("explain", "agentrun.spec.repository");
        assertThat(repository.exitCode()).as(repository.output()).isZero();
        assertThat(oneLine(repository.output()))
                .contains("The git repository cloned into the run's workspace")
                .contains("credentialsSecretRef").contains("mounted only into the git-clone init container");

        var recursive = SamplesTest.kubectl("explain", "--recursive", "agentrun");
        assertThat(recursive.exitCode()).as(recursive.output()).isZero();
        assertThat(oneLine(recursive.output())).contains("One agent run: a repository, a prompt and an agent")
                .contains("authTokenSecretRef").contains("workspaceClaimName");

        var env = SamplesTest.kubectl("explain", "agentconfig.spec.env.valueFrom.secretKeyRef");
        assertThat(oneLine(env.output())).contains("Selects a key of a secret in the pod's namespace");

        var ready = SamplesTest.kubectl("explain", "agentprovider.status.ready");
        assertThat(oneLine(ready.output())).contains("True when the Ready condition is True");
    }

    /** kubectl wraps descriptions to the terminal's width. */
    private static String oneLine(String output) {
        return output.replaceAll("\\s+", " ");
    }
}
