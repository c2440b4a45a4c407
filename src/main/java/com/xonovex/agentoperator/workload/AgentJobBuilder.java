package com.xonovex.agentoperator.workload;

import java.util.ArrayList;
import java.util.List;

import com.xonovex.agentoperator.agent.Limits;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.PublishOn;
import com.xonovex.agentoperator.api.Repository;
import com.xonovex.agentoperator.config.OperatorConfig;
import com.xonovex.agentoperator.resolve.ResolvedRun;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

/**
 * The run's Job: init container {@value #CLONE_CONTAINER} clones into the workspace, container {@value
 * #AGENT_CONTAINER} runs the agent there. Pods are locked down to pass the "restricted" Pod Security Standard.
 */
public final class AgentJobBuilder {
    public static final String CLONE_CONTAINER = "git-clone";
    public static final String AGENT_CONTAINER = "agent";
    public static final String PUBLISH_CONTAINER = PublishContainer.NAME;
    public static final String WORKSPACE = "/workspace";
    public static final String GIT_CREDENTIALS_DIR = "/etc/agent-operator/git-credentials";
    public static final String PROMPT_DIR = "/etc/agent-operator/prompt";
    /**
     * What git-clone records for the steps after the agent (the commit it checked out): an emptyDir that the agent
     * container never mounts, so the agent cannot change it.
     */
    public static final String CLONE_STATE_DIR = "/var/run/agent-operator/clone";
    static final String GIT_HOME = "/home/git";

    private AgentJobBuilder() {
    }

    public static Job build(AgentRun run, ResolvedRun resolved, OperatorConfig config) {
        var labels = Labels.forChildren(run, resolved.agent().type());
        var annotations = Labels.annotations(run);
        var spec = run.getSpec();
        return new JobBuilder()
                .withNewMetadata()
                .withName(ChildNames.of(run).job())
                .withNamespace(run.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(annotations)
                .withOwnerReferences(Owners.controller(run))
                .endMetadata()
                .withNewSpec()
                // one attempt: an agent run has side effects and must not be repeated behind the user's back
                .withBackoffLimit(0)
                // an evicted, preempted or node-lost pod fails the Job with a reason that says so, which the operator
                // reports as a disruption rather than an agent failure (the pod may be gone by the time it looks)
                .withNewPodFailurePolicy()
                .addNewRule().withAction("FailJob").addNewOnPodCondition().withType("DisruptionTarget")
                .withStatus("True").endOnPodCondition().endRule()
                .endPodFailurePolicy()
                .withActiveDeadlineSeconds(Math.max(1, resolved.timeout().toSeconds()))
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withSecurityContext(new PodSecurityContextBuilder()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(config.runAsUser())
                        .withRunAsGroup(config.runAsUser())
                        .withFsGroup(config.runAsUser())
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .build())
                .withNodeSelector(spec.getNodeSelector())
                .withTolerations(spec.getTolerations())
                // with an output, the agent is the last init container and publish the main container: publish then
                // starts only after every process of the agent has ended, so nothing of the agent still runs
                // (and could swap files under it) while it reads the working tree with the push credentials
                .withInitContainers(resolved.publish().isPresent()
                        ? List.of(cloneContainer(run, resolved, config), agentContainer(run, resolved, config))
                        : List.of(cloneContainer(run, resolved, config)))
                .withContainers(resolved.publish().isPresent()
                        ? PublishContainer.build(run, resolved.publish().get(), resolved.image(), config)
                        : agentContainer(run, resolved, config))
                .withVolumes(volumes(run, resolved))
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** Where the agent works: the worktree when one is asked for, else the clone. */
    public static String workingDir(AgentRun run) {
        return run.getSpec().getWorktree() != null ? WORKSPACE + "/worktree" : WORKSPACE + "/repo";
    }

    private static Container cloneContainer(AgentRun run, ResolvedRun resolved, OperatorConfig config) {
        Repository repository = run.getSpec().getRepository();
        var env = new ArrayList<EnvVar>();
        env.add(plain("WORKSPACE", WORKSPACE));
        // the workspace is marked with the run's UID: git-clone refuses a workspace another run has used
        env.add(plain("AGENT_RUN_UID", run.getMetadata().getUid()));
        env.add(plain("HOME", GIT_HOME));
        env.add(plain("CLONE_STATE_DIR", CLONE_STATE_DIR));
        env.add(plain("GIT_REPO_URL", repository.getUrl()));
        addIfSet(env, "GIT_BRANCH", repository.getBranch());
        addIfSet(env, "GIT_COMMIT", repository.getCommit());
        if (run.getSpec().getWorktree() != null) {
            addIfSet(env, "GIT_WORKTREE_BRANCH", run.getSpec().getWorktree().getBranch());
            addIfSet(env, "GIT_WORKTREE_SOURCE", run.getSpec().getWorktree().getSourceBranch());
        }
        var mounts = new ArrayList<VolumeMount>();
        mounts.add(mount("workspace", WORKSPACE, false));
        mounts.add(mount("git-home", GIT_HOME, false));
        mounts.add(mount("clone-state", CLONE_STATE_DIR, false));
        // its own /tmp: nothing the step with credentials leaves there reaches the agent
        mounts.add(mount("clone-tmp", "/tmp", false));
        if (repository.getCredentialsSecretRef() != null) {
            mounts.add(mount("git-credentials", GIT_CREDENTIALS_DIR, true));
        }
        return new ContainerBuilder()
                .withName(CLONE_CONTAINER)
                .withImage(resolved.image())
                .withImagePullPolicy(config.imagePullPolicy())
                .withCommand("/bin/sh", "-c", Scripts.GIT_CLONE)
                .withEnv(env)
                .withResources(run.getSpec().getResources())
                .withVolumeMounts(mounts)
                .withSecurityContext(restrictedContainer())
                .build();
    }

    private static Container agentContainer(AgentRun run, ResolvedRun resolved, OperatorConfig config) {
        return new ContainerBuilder()
                .withName(AGENT_CONTAINER)
                .withImage(resolved.image())
                .withImagePullPolicy(config.imagePullPolicy())
                .withCommand(resolved.agent().command(new Limits(resolved.maxTurns(), resolved.maxBudgetUSD())))
                .withWorkingDir(workingDir(run))
                .withEnv(agentEnv(run, resolved))
                .withResources(run.getSpec().getResources())
                .withVolumeMounts(
                        mount("workspace", WORKSPACE, false),
                        mount("agent-home", AgentEnvironment.HOME, false),
                        mount("tmp", "/tmp", false),
                        mount("prompt", PROMPT_DIR, true))
                .withSecurityContext(restrictedContainer())
                .build();
    }

    /**
     * With publishOn Always the agent stops a grace before the run's deadline and its container ends successfully
     * whatever the CLI did (the real outcome is in its termination message), so that publish still runs.
     */
    private static List<EnvVar> agentEnv(AgentRun run, ResolvedRun resolved) {
        var env = new ArrayList<>(AgentEnvironment.build(run, resolved));
        resolved.publish().filter(p -> p.publishOn() == PublishOn.ALWAYS).ifPresent(p -> {
            env.add(plain("AGENT_DEADLINE_SECONDS",
                    Long.toString(Math.max(1, resolved.timeout().toSeconds() - p.graceSeconds()))));
            env.add(plain("AGENT_ALWAYS_SUCCEED", "true"));
        });
        return env;
    }

    private static List<Volume> volumes(AgentRun run, ResolvedRun resolved) {
        var volumes = new ArrayList<Volume>();
        volumes.add(new VolumeBuilder().withName("workspace").withNewPersistentVolumeClaim()
                .withClaimName(ChildNames.of(run).workspaceClaim()).endPersistentVolumeClaim()
                .build());
        volumes.add(new VolumeBuilder().withName("prompt").withNewConfigMap()
                .withName(ChildNames.of(run).promptConfigMap())
                .addNewItem().withKey(PromptConfigMapBuilder.KEY).withPath(PromptConfigMapBuilder.KEY).endItem()
                .endConfigMap().build());
        for (String name : List.of("git-home", "clone-state", "clone-tmp", "agent-home", "tmp")) {
            volumes.add(new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build());
        }
        resolved.publish().ifPresent(publish -> volumes.addAll(PublishContainer.volumes(publish)));
        var credentials = run.getSpec().getRepository().getCredentialsSecretRef();
        if (credentials != null) {
            // group-readable for the pod's fsGroup, nobody else; the script copies the ssh key to a 0600 file
            volumes.add(new VolumeBuilder().withName("git-credentials").withNewSecret()
                    .withSecretName(credentials.getName()).withDefaultMode(0440).endSecret().build());
        }
        return volumes;
    }

    static SecurityContext restrictedContainer() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withPrivileged(false)
                .withRunAsNonRoot(true)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly).build();
    }

    static EnvVar plain(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static void addIfSet(List<EnvVar> env, String name, String value) {
        if (value != null) {
            env.add(plain(name, value));
        }
    }
}
