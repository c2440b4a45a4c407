package com.xonovex.agentoperator.status;

import java.time.Duration;

/**
 * How long a pod may show a problem that can still heal before the run fails on it.
 *
 * @param imagePull ErrImagePull / ImagePullBackOff: a registry hiccup heals, a missing image does not
 * @param mount a volume that cannot be mounted (FailedMount events while the containers wait to be created)
 */
public record Graces(Duration imagePull, Duration mount) {
}
