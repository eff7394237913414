package io.zeromesh.e2e.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An end-to-end test class: the operator is installed (once per run) before it, each test is
 * bounded as a whole on top of its own bounded waits, and how each ended is recorded for the
 * expected-cases check ({@link CaseRecorder}, {@link ExpectedCases}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("e2e")
@ExtendWith({ZeroMeshOperator.class, CaseRecorder.class})
@Timeout(value = 8, unit = TimeUnit.MINUTES)
public @interface ZeroMeshE2e {}
