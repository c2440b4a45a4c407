package com.xonovex.agentoperator.api;

import java.util.Comparator;
import java.util.List;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;

/**
 * Runs at build time on each generated CRD (quarkus.operator-sdk.crd.post-processor): orders the printer columns
 * and completes the schema's descriptions (see {@link SchemaDescriptions}).
 */
public class CrdPostProcessor implements CRDPostProcessor {
    private static final List<String> COLUMN_ORDER = List.of("Display Name", "Default Agent", "Agent", "Phase",
            "Ready", "Cost", "Branch", "Turns", "Pull Request", "Message", "Age");

    private static int rank(String column) {
        var index = COLUMN_ORDER.indexOf(column);
        return index < 0 ? COLUMN_ORDER.size() - 1 : index;
    }

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (crd instanceof CustomResourceDefinition definition) {
            for (var version : definition.getSpec().getVersions()) {
                // the generator sorts columns by name; kubectl users read them in lifecycle order, AGE last
                // (NAME AGENT PHASE COST BRANCH AGE)
                var columns = version.getAdditionalPrinterColumns();
                if (columns != null) {
                    columns.sort(Comparator.comparing((CustomResourceColumnDefinition c) -> rank(c.getName())));
                }
                SchemaDescriptions.complete(definition.getSpec().getNames().getKind(),
                        version.getSchema().getOpenAPIV3Schema());
            }
        }
        return crd;
    }
}
