package com.xonovex.agentoperator.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/**
 * Leader election, so only one replica reconciles. QOSDK turns it on for the profiles in {@code
 * quarkus.operator-sdk.activate-leader-election-for-profiles} (prod by default).
 */
public class LeaderElectionProducer {
    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        var election = config.leaderElection();
        return election.leaseNamespace()
                .map(ns -> new LeaderElectionConfiguration(election.leaseName(), ns))
                .orElseGet(() -> new LeaderElectionConfiguration(election.leaseName()));
    }
}
