package io.helixstack.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The one dependency rule: planes see the domain, the plug-in contracts and (control) the store; only the server sees them all. */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.helixstack");
    }

    @Test
    void domainDoesNoIo() {
        noClasses().that().resideInAPackage("io.helixstack.domain").should().dependOnClassesThat()
                .resideInAnyPackage("io.helixstack.plugin..", "io.helixstack.store..", "io.helixstack.control..",
                        "java.sql..", "java.net..", "java.nio.file..")
                .check(classes);
    }

    @Test
    void pluginApiDependsOnTheDomainOnly() {
        noClasses().that().resideInAPackage("io.helixstack.plugin.api").should().dependOnClassesThat()
                .resideInAnyPackage("io.helixstack.store..", "io.helixstack.build..", "io.helixstack.runtime..",
                        "io.helixstack.delivery..", "io.helixstack.control..", "io.helixstack.server..")
                .check(classes);
    }

    @Test
    void planesDoNotCallEachOther() {
        String[] planes = {"build", "runtime", "delivery", "control", "observability", "source"};
        for (String plane : planes) {
            String[] others = java.util.Arrays.stream(planes).filter(p -> !p.equals(plane))
                    .map(p -> "io.helixstack." + p + "..").toArray(String[]::new);
            noClasses().that().resideInAPackage("io.helixstack." + plane + "..").should().dependOnClassesThat()
                    .resideInAnyPackage(others).because("planes talk through plugin/api contracts (and later the bus)")
                    .check(classes);
            noClasses().that().resideInAPackage("io.helixstack." + plane + "..").should().dependOnClassesThat()
                    .resideInAPackage("io.helixstack.server..").check(classes);
        }
    }

    @Test
    void onlyTheControlPlaneUsesTheStore() {
        noClasses().that().resideInAnyPackage("io.helixstack.build..", "io.helixstack.runtime..", "io.helixstack.delivery..")
                .should().dependOnClassesThat().resideInAPackage("io.helixstack.store..").check(classes);
    }
}
