package org.msb.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * Validates FHIR R4 JSON resources against the base R4 specification, offline: the structure
 * definitions and value sets bundled with HAPI, no terminology server.
 *
 * <p>Input: the files named as arguments, or, with no arguments (or "-"), one JSON array of
 * resources on stdin. Output: one JSON line per resource on stdout,
 * {"file", "index", "errors": [{location, message}], "warnings": [...]}, in input order.
 * Exit 0 when no resource has an error, 1 when one has, 2 when the input cannot be read.
 */
public final class ValidateResources {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Input(String file, int index, String json) {}

  public static void main(String[] args) throws IOException {
    List<Input> inputs;
    try {
      inputs = readInputs(args);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("fhir-validator: " + e.getMessage());
      System.exit(2);
      return;
    }

    FhirContext ctx = FhirContext.forR4();
    ValidationSupportChain support =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(ctx),
            new InMemoryTerminologyServerValidationSupport(ctx),
            new CommonCodeSystemsTerminologyService(ctx),
            new SnapshotGeneratingValidationSupport(ctx));
    FhirValidator validator = ctx.newValidator();
    validator.registerValidatorModule(new FhirInstanceValidator(support));

    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    boolean anyError = false;
    for (Input input : inputs) {
      ObjectNode line = JSON.createObjectNode();
      line.put("file", input.file());
      line.put("index", input.index());
      ArrayNode errors = line.putArray("errors");
      ArrayNode warnings = line.putArray("warnings");
      ValidationResult result = validator.validateWithResult(input.json());
      for (SingleValidationMessage m : result.getMessages()) {
        ResultSeverityEnum severity = m.getSeverity();
        if (severity == ResultSeverityEnum.ERROR || severity == ResultSeverityEnum.FATAL) {
          errors.add(issue(m));
        } else if (severity == ResultSeverityEnum.WARNING) {
          warnings.add(issue(m));
        }
      }
      anyError |= !errors.isEmpty();
      out.println(JSON.writeValueAsString(line));
    }
    out.flush();
    System.exit(anyError ? 1 : 0);
  }

  private static ObjectNode issue(SingleValidationMessage m) {
    ObjectNode node = JSON.createObjectNode();
    node.put("location", m.getLocationString());
    node.put("message", m.getMessage());
    if (m.getMessageId() != null) node.put("messageId", m.getMessageId());
    return node;
  }

  private static List<Input> readInputs(String[] args) throws IOException {
    List<Input> inputs = new ArrayList<>();
    if (args.length == 0 || (args.length == 1 && args[0].equals("-"))) {
      JsonNode array;
      try (InputStream in = System.in) {
        array = JSON.readTree(in);
      }
      if (array == null || !array.isArray()) {
        throw new IllegalArgumentException("stdin must hold one JSON array of resources");
      }
      for (int i = 0; i < array.size(); i++) {
        inputs.add(new Input("stdin", i, JSON.writeValueAsString(array.get(i))));
      }
    } else {
      for (int i = 0; i < args.length; i++) {
        inputs.add(new Input(args[i], i, Files.readString(Path.of(args[i]), StandardCharsets.UTF_8)));
      }
    }
    return inputs;
  }
}
