import FarSideCLI

FarSide.runMain()
