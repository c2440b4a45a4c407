package com.xonovex.agentoperator.config;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/**
 * Leader election, so only one replica reconciles. QOSDK asks for it in the profiles of {@code
 * quarkus.operator-sdk.activate-leader-election-for-profiles} (prod by default); {@code
 * agent-operator.leader-election.enabled=false} turns it off at run time (no bean: JOSDK runs without election).
 */
public class LeaderElectionProducer {
    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        var election = config.leaderElection();
        if (!election.enabled()) {
            return null;
        }
        return election.leaseNamespace()
                .map(ns -> new LeaderElectionConfiguration(election.leaseName(), ns))
                .orElseGet(() -> new LeaderElectionConfiguration(election.leaseName()));
    }
}
