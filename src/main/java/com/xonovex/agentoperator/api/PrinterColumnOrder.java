package com.xonovex.agentoperator.api;

import java.util.Comparator;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;

/**
 * Runs at build time on the generated CRDs: the generator sorts printer columns by name, but kubectl users expect
 * AGE last ({@code NAME AGENT PHASE AGE}), so Age moves to the end and the others keep their declared meaning.
 */
public class PrinterColumnOrder implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (crd instanceof CustomResourceDefinition definition) {
            for (var version : definition.getSpec().getVersions()) {
                var columns = version.getAdditionalPrinterColumns();
                if (columns != null) {
                    columns.sort(Comparator.comparing((CustomResourceColumnDefinition c) -> "Age".equals(c.getName())));
                }
            }
        }
        return crd;
    }
}
