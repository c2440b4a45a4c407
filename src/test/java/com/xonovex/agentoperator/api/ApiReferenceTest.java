package com.xonovex.agentoperator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The README's API reference tables are exactly what the committed CRDs say (and so what {@code kubectl explain}
 * says). After changing a description or a field: {@code ./mvnw test -Dtest=ApiReferenceTest
 * -Dapi-reference.update=true} rewrites the tables in README.md.
 */
class ApiReferenceTest {
    private static final Path README = Path.of("README.md");

    @Test
    void readmeTablesAreGeneratedFromTheCrds() throws Exception {
        var readme = Files.readString(README);
        var expected = readme;
        for (var table : ApiReference.tables().entrySet()) {
            var begin = "<!-- api:" + table.getKey() + " -->";
            var end = "<!-- /api:" + table.getKey() + " -->";
            var section = Pattern.compile(Pattern.quote(begin) + ".*?" + Pattern.quote(end), Pattern.DOTALL);
            assertThat(section.matcher(expected).find()).as("README.md has a section %s ... %s", begin, end).isTrue();
            expected = section.matcher(expected)
                    .replaceFirst(Matcher.quoteReplacement(begin + "\n" + table.getValue() + "\n" + end));
        }
        if (Boolean.getBoolean("api-reference.update")) {
            Files.writeString(README, expected);
            return;
        }
        assertThat(readme).as("README.md's API tables are stale: run ./mvnw test -Dtest=ApiReferenceTest "
                + "-Dapi-reference.update=true").isEqualTo(expected);
    }

    @Test
    void everyFieldOfEveryKindHasADescription() throws Exception {
        for (var kind : ApiReference.KINDS) {
            assertThat(SchemaWalk.undescribed(ApiReference.schema(kind))).as("fields of %s without a description",
                    kind).isEmpty();
        }
    }
}
