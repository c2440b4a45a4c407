package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Ready while the token Secret and key exist (or no token is needed); condition Ready says which. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentProviderStatus extends ReadyStatus {
}
