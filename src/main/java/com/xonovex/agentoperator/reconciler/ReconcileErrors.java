package com.xonovex.agentoperator.reconciler;

import com.xonovex.agentoperator.status.Reasons;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Turns a failed reconciliation into a reason and a message for a condition and an event (never a secret value). */
final class ReconcileErrors {
    private ReconcileErrors() {
    }

    /** @param quota a ResourceQuota refused an object: a reason to wait, not an error */
    record Described(String reason, String message, boolean quota) {
    }

    static Described describe(Exception e) {
        var client = clientException(e);
        if (client == null) {
            return new Described("InternalError", "the operator failed: " + e, false);
        }
        var message = serverMessage(client);
        int code = client.getCode();
        if (code == 403 && message != null && message.contains("exceeded quota")) {
            return new Described(Reasons.QUOTA_EXCEEDED, "a ResourceQuota refuses the run's objects for now; "
                    + "retrying with back-off: " + message, true);
        }
        var reason = switch (code) {
            // fabric8 gives no HTTP code (0 or -1) when no answer came
            case 0, -1 -> "ServerUnreachable";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 409 -> "Conflict";
            case 429 -> "TooManyRequests";
            default -> code >= 500 ? "ServerError" : "ApiError";
        };
        var answer = code <= 0 ? "the API server could not be reached" : "the API server answered " + code;
        return new Described(reason, answer + ": " + message + "; retrying with back-off", false);
    }

    /** The API server's own explanation when there is one; the client's message otherwise. */
    static String serverMessage(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
    }

    /** The client exception that carries the server's answer (fabric8 wraps it in others without a code). */
    private static KubernetesClientException clientException(Throwable e) {
        KubernetesClientException first = null;
        for (var t = e; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k) {
                if (k.getCode() > 0) {
                    return k;
                }
                first = first == null ? k : first;
            }
        }
        return first;
    }
}
