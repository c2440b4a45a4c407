package com.xonovex.agentoperator.api;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The identity a published commit carries (author and committer). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitAuthor {
    @JsonPropertyDescription("Name of the commit's author and committer, 1 to 128 characters, no angle brackets or line breaks.")
    @Required
    @Size(min = 1, max = 128)
    @Pattern("^[^<>\\n\\r]+$")
    private String name;

    @JsonPropertyDescription("E-mail address of the commit's author and committer, at most 254 characters.")
    @Required
    @Size(min = 3, max = 254)
    @Pattern("^[^<>\\s@]+@[^<>\\s@]+$")
    private String email;

    public GitAuthor() {
    }

    public GitAuthor(String name, String email) {
        this.name = name;
        this.email = email;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GitAuthor other && Objects.equals(name, other.name) && Objects.equals(email, other.email);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, email);
    }
}
