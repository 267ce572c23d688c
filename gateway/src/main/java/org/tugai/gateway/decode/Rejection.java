package org.tugai.gateway.decode;

/**
 * Why an input cannot become a record. {@code code} is one of {@link org.tugai.schemas.ReasonCodes}
 * (a metric tag and a column operators filter on); {@code reason} tells a person what is wrong.
 */
public record Rejection(String code, String reason) {}
