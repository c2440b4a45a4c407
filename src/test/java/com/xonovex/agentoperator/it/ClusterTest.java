package com.xonovex.agentoperator.it;

import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Base of tests on the real API server: each test gets its own namespace and a client as cluster admin. */
public abstract class ClusterTest {
    protected KubernetesClient client;
    protected String namespace;

    @BeforeEach
    protected void createNamespace() {
        KubeApiServerResource.startServer();
        client = KubeApiServerResource.newClient();
        namespace = "t-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
    }

    @AfterEach
    protected void closeClient() {
        client.close();
    }
}
