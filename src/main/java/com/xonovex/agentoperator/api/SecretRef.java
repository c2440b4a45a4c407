package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A whole Secret of the same namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretRef {
    @JsonPropertyDescription("Name of a Secret in the same namespace (a DNS subdomain, at most 253 characters).")
    @Required
    @Size(min = 1, max = 253)
    @Pattern(Validation.DNS_SUBDOMAIN)
    private String name;

    public SecretRef() {
    }

    public SecretRef(String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}
