package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The rules of a namespace's AgentPolicy. A rule that is not set does not restrict, except where its description
 * names a default (env.deniedNames, egress.mode).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentPolicySpec {
    @JsonPropertyDescription("Which container images runs may use (spec.image, or the default image they resolve to).")
    private ImagePolicy images;

    @JsonPropertyDescription("""
            Which Secrets runs may reference: env valueFrom.secretKeyRef, provider.authTokenSecretRef, \
            repository.credentialsSecretRef and output.credentialsSecretRef.""")
    private SecretPolicy secrets;

    @JsonPropertyDescription("What a run's env may contain.")
    private EnvPolicy env;

    @JsonPropertyDescription("Which repositories and forge APIs runs may talk to, and whether they may bring their own provider.")
    private SourcePolicy sources;

    @JsonPropertyDescription("Upper bounds on a run's timeout, spending and resources.")
    private LimitPolicy limits;

    @JsonPropertyDescription("Where and how a run's pod may run: node selectors, tolerations, the runtime class.")
    private SchedulingPolicy scheduling;

    @JsonPropertyDescription("""
            What the run's pod may reach over the network, through a NetworkPolicy the operator creates per run. \
            Default: Restricted.""")
    private EgressPolicy egress;

    @JsonPropertyDescription("""
            Which of the run's own labels are copied to its pod (labels can match other NetworkPolicies' \
            selectors). Default: none; the operator's labels always are.""")
    private PodLabelPolicy podLabels;

    public ImagePolicy getImages() {
        return images;
    }

    public void setImages(ImagePolicy images) {
        this.images = images;
    }

    public SecretPolicy getSecrets() {
        return secrets;
    }

    public void setSecrets(SecretPolicy secrets) {
        this.secrets = secrets;
    }

    public EnvPolicy getEnv() {
        return env;
    }

    public void setEnv(EnvPolicy env) {
        this.env = env;
    }

    public SourcePolicy getSources() {
        return sources;
    }

    public void setSources(SourcePolicy sources) {
        this.sources = sources;
    }

    public LimitPolicy getLimits() {
        return limits;
    }

    public void setLimits(LimitPolicy limits) {
        this.limits = limits;
    }

    public SchedulingPolicy getScheduling() {
        return scheduling;
    }

    public void setScheduling(SchedulingPolicy scheduling) {
        this.scheduling = scheduling;
    }

    public EgressPolicy getEgress() {
        return egress;
    }

    public void setEgress(EgressPolicy egress) {
        this.egress = egress;
    }

    public PodLabelPolicy getPodLabels() {
        return podLabels;
    }

    public void setPodLabels(PodLabelPolicy podLabels) {
        this.podLabels = podLabels;
    }
}
