// fieldstream/http: this entry point is reserved; its surface lands with the layer it exposes.
// Importing it today is valid and yields nothing.

export {};
