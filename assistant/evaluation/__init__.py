"""The evaluators' suite: gold cases as data, metric functions as plain code, an HTML report as output."""
