package com.xonovex.agentoperator;

import java.util.Map;
import java.util.Optional;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentRunSpec;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.Repository;
import com.xonovex.agentoperator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Small builders shared by unit tests. */
public final class Fixtures {
    private Fixtures() {
    }

    public static AgentRun run(String name, AgentType agent) {
        var run = new AgentRun();
        run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("team-a").withUid("uid-" + name)
                .withGeneration(1L).withLabels(Map.of("team", "a")).build());
        var spec = new AgentRunSpec();
        spec.setAgent(agent);
        var repository = new Repository();
        repository.setUrl("https://example.com/org/repo.git");
        repository.setBranch("main");
        spec.setRepository(repository);
        spec.setPrompt("Fix the bug in $(id) `whoami` \"quoted\" 'single'");
        run.setSpec(spec);
        return run;
    }

    public static OperatorConfig config() {
        return new OperatorConfig() {
            @Override
            public String defaultImage() {
                return "example.com/agent-runner:test";
            }

            @Override
            public String defaultTimeout() {
                return "1h";
            }

            @Override
            public String defaultStorageSize() {
                return "10Gi";
            }

            @Override
            public String imagePullPolicy() {
                return "IfNotPresent";
            }

            @Override
            public long runAsUser() {
                return 1000;
            }

            @Override
            public java.time.Duration imagePullGrace() {
                return java.time.Duration.ofMinutes(2);
            }

            @Override
            public java.time.Duration mountGrace() {
                return java.time.Duration.ofMinutes(3);
            }

            @Override
            public java.time.Duration previousJobGrace() {
                return java.time.Duration.ofMinutes(2);
            }

            @Override
            public int maxSecretWatches() {
                return 500;
            }

            @Override
            public java.time.Duration secretPollInterval() {
                return java.time.Duration.ofSeconds(30);
            }

            @Override
            public LeaderElection leaderElection() {
                return new LeaderElection() {
                    @Override
                    public boolean enabled() {
                        return true;
                    }

                    @Override
                    public String leaseName() {
                        return "agent-operator-leader";
                    }

                    @Override
                    public Optional<String> leaseNamespace() {
                        return Optional.empty();
                    }
                };
            }
        };
    }
}
