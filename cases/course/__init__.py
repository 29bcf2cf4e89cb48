"""The treatment course of a case (issue 13): therapy lines, scans and their computed response, drug levels,
recurrence events, and the timeline picture."""
