package com.xonovex.agentoperator.status;

/**
 * Condition types and reasons of an AgentRun: one vocabulary for the derivation, the status code, events, tests and
 * the README (which lists them). Reasons are CamelCase. Where the reason is the kubelet's own (a container's waiting
 * reason such as ImagePullBackOff), it is passed on as the kubelet wrote it.
 */
public final class Reasons {
    private Reasons() {
    }

    // condition types
    public static final String RESOLVED = "Resolved";
    public static final String POD_SCHEDULED = "PodScheduled";
    public static final String AGENT_STARTED = "AgentStarted";
    public static final String COMPLETE = "Complete";
    public static final String FAILED = "Failed";
    /** A reconciliation failed for a reason the operator retries (the phase stays); False again once it succeeds. */
    public static final String RECONCILE_ERROR = "ReconcileError";
    public static final String CANCELLED = "Cancelled";
    /** Whether the run's guardrails (maxTurns, maxBudgetUSD) are enforced by its agent's CLI. */
    public static final String GUARDRAILS_ENFORCED = "GuardrailsEnforced";

    // Resolved=True
    public static final String JOB_CREATED = "JobCreated";
    // Resolved=False while Pending, besides those of resolve.BlockedReason
    public static final String QUOTA_EXCEEDED = "QuotaExceeded";
    public static final String PREVIOUS_JOB_PRESENT = "PreviousJobPresent";

    // PodScheduled, AgentStarted
    public static final String WAITING_FOR_POD = "WaitingForPod";
    public static final String POD_NOT_SCHEDULED = "PodNotScheduled";
    public static final String SCHEDULED = "PodScheduled";
    public static final String STARTED = "AgentStarted";
    /** AgentStarted=False: a container of the pod waits for its image (ErrImagePull/ImagePullBackOff, in grace). */
    public static final String WAITING_FOR_IMAGE = "WaitingForImage";

    // Complete
    public static final String COMPLETED = "Completed";

    // Cancelled
    public static final String CANCEL_REQUESTED = "CancelRequested";

    // GuardrailsEnforced
    public static final String ENFORCED = "Enforced";
    public static final String NOT_SUPPORTED = "NotSupportedByAgent";

    // Failed (and TimedOut)
    public static final String INIT_CONTAINER_FAILED = "InitContainerFailed";
    public static final String AGENT_FAILED = "AgentFailed";
    public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
    public static final String JOB_FAILED = "JobFailed";
    public static final String JOB_DELETED = "JobDeleted";
    public static final String POD_DISRUPTED = "PodDisrupted";
    public static final String INVALID_WORKLOAD = "InvalidWorkload";
    public static final String NAME_CONFLICT = "NameConflict";
    /** The run breaks a rule of its namespace's AgentPolicy (one admitted before the policy existed). */
    public static final String POLICY_VIOLATION = "PolicyViolation";
    public static final String FAILED_MOUNT = "FailedMount";
    // the publish step (status.output says more)
    public static final String PUBLISH_REFUSED = "PublishRefused";
    public static final String PUBLISH_FAILED = "PublishFailed";
    public static final String PULL_REQUEST_FAILED = "PullRequestFailed";
    // guardrails the CLI stopped on
    public static final String MAX_TURNS_EXCEEDED = "MaxTurnsExceeded";
    public static final String MAX_BUDGET_EXCEEDED = "MaxBudgetExceeded";
    // the kubelet's waiting reasons that end a run: a pod that can never start its containers
    public static final String ERR_IMAGE_PULL = "ErrImagePull";
    public static final String IMAGE_PULL_BACK_OFF = "ImagePullBackOff";
    public static final String INVALID_IMAGE_NAME = "InvalidImageName";
    public static final String CREATE_CONTAINER_CONFIG_ERROR = "CreateContainerConfigError";
    public static final String CREATE_CONTAINER_ERROR = "CreateContainerError";
}
