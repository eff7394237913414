package io.zeromesh.operator.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.fabric8.kubernetes.client.Client;
import org.junit.jupiter.api.Test;

/** Desired state and status are pure: no API I/O below the reconcilers. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.zeromesh.operator");

  @Test
  void buildersAndStatusDoNotTouchTheApi() {
    noClasses()
        .that()
        .resideInAnyPackage("..operator.resources..", "..operator.status..", "..operator.api..")
        .should()
        .dependOnClassesThat(
            assignableTo(Client.class)
                .or(
                    resideInAnyPackage(
                        "io.fabric8.kubernetes.client.dsl..",
                        "io.fabric8.kubernetes.client.informers.."))
                .or(resideInAnyPackage("io.javaoperatorsdk..", "io.quarkus..", "jakarta.inject..")))
        .because("builders and status functions are pure: CR and observed objects in, objects out")
        .check(CLASSES);
  }

  @Test
  void theApiTypesDependOnNothingOfTheOperator() {
    noClasses()
        .that()
        .resideInAPackage("..operator.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "..operator.resources..", "..operator.status..", "..operator.reconciler..")
        .check(CLASSES);
  }
}
