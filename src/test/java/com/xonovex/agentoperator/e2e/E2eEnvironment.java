package com.xonovex.agentoperator.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.extension.ExtensionContext;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Everything the end-to-end tests share, started once per test JVM: the kwok cluster, the volume provisioner, the
 * committed CRDs, the operator's ServiceAccount bound to the RBAC the build generated, and the packaged operator.
 * Closed by JUnit when all tests are done (and by the cluster's shutdown hook otherwise).
 */
final class E2eEnvironment implements ExtensionContext.Store.CloseableResource {
    static final String OPERATOR_NAMESPACE = "agent-operator-system";
    static final String SERVICE_ACCOUNT = "agent-operator";

    private static E2eEnvironment current;

    final Path project = Path.of("").toAbsolutePath();
    final KwokCluster cluster = new KwokCluster(project);
    KubernetesClient admin;
    StaticProvisioner provisioner;
    OperatorProcess operator;

    static synchronized E2eEnvironment get() {
        if (current == null) {
            throw new IllegalStateException("the e2e environment is not started; use @ExtendWith(E2eExtension.class)");
        }
        return current;
    }

    static synchronized E2eEnvironment startOnce() {
        if (current == null) {
            var env = new E2eEnvironment();
            try {
                env.start();
            } catch (RuntimeException | Error e) {
                System.err.println(env.logTails(40));
                env.close();
                throw e;
            }
            current = env;
        }
        return current;
    }

    private void start() {
        cluster.startApiServer();
        admin = cluster.adminClient();
        installCrds();
        cluster.startControllersAndNodes();
        provisioner = new StaticProvisioner(admin);
        provisioner.start();
        var kubeconfig = operatorKubeconfig();
        operator = new OperatorProcess(project, cluster.work(), kubeconfig);
        startOperator();
    }

    /** The CRDs users install, from kubernetes/crd/, applied as cluster admin. */
    private void installCrds() {
        int applied = 0;
        try (var files = Files.list(project.resolve("kubernetes/crd"))) {
            for (var file : files.filter(f -> f.getFileName().toString().endsWith(".yml")).sorted().toList()) {
                for (var item : load(file)) {
                    admin.resource(item).create();
                    applied++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // every CRD applied, not a fixed count: with one more kind a fixed 3 only matched while one was still pending
        long expected = applied;
        cluster.waitUntil(Duration.ofSeconds(30), "CRDs Established", () -> admin.apiextensions().v1()
                .customResourceDefinitions().list().getItems().stream()
                .filter(c -> c.getSpec().getGroup().equals("agent.xonovex.com"))
                .filter(E2eEnvironment::established).count() == expected);
    }

    private static boolean established(CustomResourceDefinition crd) {
        return crd.getStatus() != null && crd.getStatus().getConditions() != null && crd.getStatus().getConditions()
                .stream().anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /**
     * The agent-operator ServiceAccount with the ClusterRoles, ClusterRoleBindings, Role and RoleBinding of the
     * generated target/kubernetes/kubernetes.yml (nothing more), and a kubeconfig with a token from the TokenRequest API.
     */
    private Path operatorKubeconfig() {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(OPERATOR_NAMESPACE)
                .endMetadata().build()).create();
        return serviceAccountKubeconfig(SERVICE_ACCOUNT, rule -> true);
    }

    /**
     * A kubeconfig for the ServiceAccount {@code account} of the operator's namespace, granted what the generated
     * RBAC grants the operator, less the ClusterRole rules {@code keep} refuses. For an account other than the
     * operator's own the ClusterRoles and bindings are copies named {@code <name>-<account>}.
     */
    Path serviceAccountKubeconfig(String account, Predicate<PolicyRule> keep) {
        boolean own = SERVICE_ACCOUNT.equals(account);
        UnaryOperator<String> named = name -> own ? name : name + "-" + account;
        admin.serviceAccounts().inNamespace(OPERATOR_NAMESPACE).resource(new ServiceAccountBuilder()
                .withNewMetadata().withName(account).endMetadata().build()).create();
        int roles = 0;
        int bindings = 0;
        for (var item : load(project.resolve("target/kubernetes/kubernetes.yml"))) {
            if (item instanceof ClusterRole role) {
                role.getMetadata().setName(named.apply(role.getMetadata().getName()));
                role.setRules(role.getRules().stream().filter(keep).toList());
                admin.resource(role).create();
                roles++;
            } else if (item instanceof io.fabric8.kubernetes.api.model.rbac.Role && own) {
                // the leader-election Lease Role lives in the operator's namespace
                admin.resource(item).inNamespace(OPERATOR_NAMESPACE).create();
            } else if (item instanceof io.fabric8.kubernetes.api.model.rbac.RoleBinding binding) {
                binding.getMetadata().setName(named.apply(binding.getMetadata().getName()));
                binding.getSubjects().forEach(s -> {
                    if ("ServiceAccount".equals(s.getKind())) {
                        s.setName(account);
                    }
                });
                admin.resource(binding).inNamespace(OPERATOR_NAMESPACE).create();
            } else if (item instanceof ClusterRoleBinding binding) {
                binding.getMetadata().setName(named.apply(binding.getMetadata().getName()));
                binding.getRoleRef().setName(named.apply(binding.getRoleRef().getName()));
                binding.getSubjects().forEach(s -> {
                    if ("ServiceAccount".equals(s.getKind())) {
                        s.setNamespace(OPERATOR_NAMESPACE);
                        s.setName(account);
                    }
                });
                admin.resource(binding).create();
                bindings++;
            }
        }
        if (roles == 0 || bindings == 0) {
            throw new IllegalStateException("no ClusterRoles/ClusterRoleBindings in target/kubernetes/kubernetes.yml");
        }
        var token = admin.serviceAccounts().inNamespace(OPERATOR_NAMESPACE).withName(account)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(6L * 3600).endSpec()
                        .build())
                .getStatus().getToken();
        return cluster.kubeconfig(account, Map.of("token", token));
    }

    private List<HasMetadata> load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return admin.load(in).items();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the operator and waits for /q/health/ready to say UP. Returns the seconds that took. */
    double startOperator() {
        long t0 = System.nanoTime();
        operator.start();
        cluster.waitUntil(Duration.ofSeconds(90), "operator /q/health/ready UP", () -> {
            operator.checkAlive();
            var ready = operator.get("/q/health/ready");
            return ready.code() == 200 && ready.body().contains("\"UP\"");
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.err.printf("e2e: operator (pid %d) ready in %.1fs%n", operator.pid(), seconds);
        return seconds;
    }

    String logTails(int lines) {
        var sb = new StringBuilder(cluster.logTails(lines));
        if (operator != null) {
            sb.append("----- last ").append(lines * 2).append(" lines of the operator (").append(operator.logName())
                    .append(") -----\n").append(operator.logTail(lines * 2)).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (operator != null) {
            operator.stop();
        }
        if (provisioner != null) {
            provisioner.close();
        }
        if (admin != null) {
            admin.close();
        }
        cluster.close();
        synchronized (E2eEnvironment.class) {
            if (current == this) {
                current = null;
            }
        }
    }
}
