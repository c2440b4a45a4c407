package com.xonovex.agentoperator.workload;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentRunStatus;

/**
 * The names of a run's children, derived from the run's name and UID so that no two runs can be given the same
 * child, whatever their names:
 * <ul>
 * <li>the Job is named after the run when the name fits a label value (63 characters), so that {@code kubectl logs
 * job/<run>} works; a longer name is cut and completed with a part of the run's UID;</li>
 * <li>the workspace PVC and the prompt ConfigMap always carry that UID part: a run deleted and created again under the
 * same name never meets its predecessor's volume or prompt, even while the garbage collector is still removing
 * them (a PVC in use stays until its pod is gone).</li>
 * </ul>
 * A Job of the same name that another run (or anything else) holds is detected when the Job is created, by its owner's
 * UID; the names are recorded in the run's status.
 */
public record ChildNames(String job, String workspaceClaim, String promptConfigMap) {
    public static final int MAX_LABEL_LENGTH = 63;
    private static final int UID_PART_LENGTH = 8;

    public static ChildNames of(AgentRun run) {
        var name = run.getMetadata().getName();
        var uid = uidPart(run.getMetadata().getUid());
        var job = name.length() <= MAX_LABEL_LENGTH ? name : withUid(name, uid, "", MAX_LABEL_LENGTH);
        return new ChildNames(job, withUid(name, uid, "-workspace", MAX_LABEL_LENGTH),
                withUid(name, uid, "-prompt", MAX_LABEL_LENGTH));
    }

    /**
     * The run's NetworkPolicy (only under an AgentPolicy that restricts egress): like the PVC, it carries the UID part,
     * so a run created again under the same name never meets its predecessor's policy.
     */
    public static String networkPolicy(AgentRun run) {
        return withUid(run.getMetadata().getName(), uidPart(run.getMetadata().getUid()), "-egress", MAX_LABEL_LENGTH);
    }

    /** The names as the run's status records them. */
    public void recordIn(AgentRunStatus status) {
        status.setJobName(job);
        status.setWorkspaceClaimName(workspaceClaim);
        status.setPromptConfigMapName(promptConfigMap);
    }

    /** {@code <name cut to fit>-<uid part><suffix>}, at most {@code max} characters, a valid DNS label. */
    static String withUid(String name, String uid, String suffix, int max) {
        var room = max - suffix.length() - uid.length() - 1;
        var prefix = name.length() <= room ? name : name.substring(0, room);
        // a cut may end on '.' or '-', which may not come before the '-' we add
        prefix = prefix.replaceAll("[.-]+$", "");
        return prefix + "-" + uid + suffix;
    }

    /**
     * Eight hex digits of the UID's hash: UIDs are random, and hashing keeps the part well-formed whatever the UID's
     * shape (the API server always sets one; a test object may lack it, and then the part is that of the empty string).
     */
    static String uidPart(String uid) {
        try {
            var digest = MessageDigest.getInstance("SHA-256")
                    .digest((uid == null ? "" : uid).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, UID_PART_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
