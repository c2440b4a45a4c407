package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A key in a Secret of the same namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeyRef {
    @JsonPropertyDescription("Name of a Secret in the same namespace (a DNS subdomain, at most 253 characters).")
    @Required
    @Size(min = 1, max = 253)
    @Pattern(Validation.DNS_SUBDOMAIN)
    private String name;

    @JsonPropertyDescription("Key in that Secret's data, such as api-key: letters, digits, '-', '_' and '.'.")
    @Required
    @Size(min = 1, max = 253)
    @Pattern(Validation.SECRET_KEY)
    private String key;

    public SecretKeyRef() {
    }

    public SecretKeyRef(String name, String key) {
        this.name = name;
        this.key = key;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }
}
