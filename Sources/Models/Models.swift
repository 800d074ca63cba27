// The Models target: CLIP-family architectures, each in its own folder with configuration, model and weight mapping.
