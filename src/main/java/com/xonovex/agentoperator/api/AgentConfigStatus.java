package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Ready while every AgentProvider named in defaultProviders exists; condition Ready names the missing ones. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentConfigStatus extends ReadyStatus {
}
