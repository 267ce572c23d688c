package org.tugai.embedded.junit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that hands a test its {@link Infrastructure}:
 * {@code @ExtendWith(TugaiInfrastructure.class)} and a parameter of type {@code Infrastructure}
 * (constructor, lifecycle or test method). Services start on first use and stay up for the whole
 * test JVM.
 */
public final class TugaiInfrastructure implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Infrastructure.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            Infrastructure.class, k -> new Infrastructure(System.getenv()), Infrastructure.class);
  }
}
