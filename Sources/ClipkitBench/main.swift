print("clipkit-bench: nothing to measure yet")
