package com.xonovex.agentoperator.workload;

import static com.xonovex.agentoperator.workload.AgentJobBuilder.mount;
import static com.xonovex.agentoperator.workload.AgentJobBuilder.plain;

import java.util.ArrayList;
import java.util.List;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.config.OperatorConfig;
import com.xonovex.agentoperator.publish.PublishSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;

/**
 * Container {@value #NAME}: runs {@link Scripts#PUBLISH} after the agent. It alone holds the push credentials; it
 * reads the workspace read-only and the commit the run cloned from the clone-state volume, which the agent never
 * mounts; its HOME and /tmp are its own. Every setting comes in the environment (the pull request's body as
 * finished JSON): the script never assembles user text into JSON or a command line.
 */
final class PublishContainer {
    static final String NAME = "publish";
    static final String HOME = "/home/publish";
    static final String CREDENTIALS_VOLUME = "push-credentials";

    private PublishContainer() {
    }

    static Container build(AgentRun run, PublishSettings publish, String image, OperatorConfig config) {
        var env = new ArrayList<EnvVar>();
        env.add(plain("WORKSPACE", AgentJobBuilder.WORKSPACE));
        env.add(plain("HOME", HOME));
        env.add(plain("CLONE_STATE_DIR", AgentJobBuilder.CLONE_STATE_DIR));
        env.add(plain("GIT_CREDENTIALS_DIR", AgentJobBuilder.GIT_CREDENTIALS_DIR));
        env.add(plain("GIT_REPO_URL", run.getSpec().getRepository().getUrl()));
        env.add(plain("AGENT_WORKDIR", AgentJobBuilder.workingDir(run)));
        env.add(plain("PUBLISH_BRANCH", publish.branch()));
        env.add(plain("PUBLISH_ALLOW_BASE_BRANCH", Boolean.toString(publish.allowBaseBranch())));
        env.add(plain("PUBLISH_COMMIT_MESSAGE", publish.commitMessage()));
        env.add(plain("PUBLISH_AUTHOR_NAME", publish.authorName()));
        env.add(plain("PUBLISH_AUTHOR_EMAIL", publish.authorEmail()));
        env.add(plain("PUBLISH_MAX_FILES", Integer.toString(publish.maxFiles())));
        env.add(plain("PUBLISH_MAX_BYTES", Long.toString(publish.maxBytes())));
        env.add(plain("PUBLISH_PROTECTED_PATHS", String.join("\n", publish.protectedPaths())));
        publish.pullRequest().ifPresent(pr -> {
            env.add(plain("PR_PROVIDER", pr.provider()));
            env.add(plain("PR_API_URL", pr.apiUrl()));
            env.add(plain("PR_REPOSITORY", pr.repository()));
            env.add(plain("PR_REQUEST_JSON", pr.requestJson()));
        });
        return new ContainerBuilder()
                .withName(NAME)
                .withImage(image)
                .withImagePullPolicy(config.imagePullPolicy())
                .withCommand("/bin/sh", "-c", Scripts.PUBLISH)
                .withEnv(env)
                .withResources(run.getSpec().getResources())
                .withVolumeMounts(
                        mount("workspace", AgentJobBuilder.WORKSPACE, true),
                        mount("clone-state", AgentJobBuilder.CLONE_STATE_DIR, true),
                        mount(CREDENTIALS_VOLUME, AgentJobBuilder.GIT_CREDENTIALS_DIR, true),
                        mount("publish-home", HOME, false),
                        mount("publish-tmp", "/tmp", false))
                .withSecurityContext(AgentJobBuilder.restrictedContainer())
                .build();
    }

    static List<Volume> volumes(PublishSettings publish) {
        return List.of(
                new VolumeBuilder().withName("publish-home").withNewEmptyDir().endEmptyDir().build(),
                new VolumeBuilder().withName("publish-tmp").withNewEmptyDir().endEmptyDir().build(),
                // group-readable for the pod's fsGroup, nobody else, as the clone's credentials
                new VolumeBuilder().withName(CREDENTIALS_VOLUME).withNewSecret()
                        .withSecretName(publish.credentialsSecret()).withDefaultMode(0440).endSecret().build());
    }
}
