/// The `clipkit train --help` field reference of `TrainingConfiguration` (keep in step with the
/// doc comments of the configuration types in Sources/Training/Configuration). Lines stay under
/// 78 columns so ArgumentParser does not re-wrap them.
enum TrainingConfigurationReference {
    static let text = """
        Every field is optional; unknown keys are rejected. --print-configuration \
        writes the file with every default. Examples are in configs/, e.g. \
        clipkit train --config configs/fashion-triplet-margin.json

        Top level
          task      "triplet" (default) | "contrastive" | "clip_from_scratch"
                    | "sa_clip" | "diffusion" | "ip_adapter" | "stylegan"
                    | "captioner" | "text2face"
          seed      seeds initialisation, data order, sampling (default 0)
          output    folder for metrics.csv, metrics.svg, checkpoints/,
                    model.safetensors, configuration.json, evaluation.json
                    (default runs/<task>)
        training
          steps                optimiser steps (default 1000)
          steps_per_epoch      validation after each epoch (default: one pass
                               over the training images)
          log_interval         steps between loss records (default 20)
          checkpoint_interval  steps between checkpoints (default 500; 0: end
                               only); Ctrl-C or SIGTERM writes one at the
                               next step and stops
          validate_each_epoch  default true
          gradient_clipping    {"mode": "global" | "per_tensor",
                               "max_norm": 5}; per_tensor = Keras clipnorm
          quiet                no progress lines (default false)
        optimizer
          kind           "adam" (default) | "adamw" | "sgd"
          learning_rate  default 1e-4 (the notebook's)
          beta1 0.9, beta2 0.999, epsilon 1e-7, weight_decay 0,
          momentum 0.9 (sgd only)
        schedule
          kind      "constant" (default) | "cosine" (warmup_steps, minimum)
                    | "step" (step_size, factor)
        triplet (task "triplet")
          data      source "fashion_mnist" (directory, default
                    /usr/share/datasets/fashion-mnist) | "image_folder"
                    (train_folder and test_folder with a folder per class,
                    image_size 28, channels 1 | 3) | "person_folders"
                    (directory with a folder per person; people [0, 27]
                    train, evaluation_people [27, 40] evaluate: unseen
                    identities); train_per_class and test_per_class keep
                    the first N images of each class
          backbone  kind "small_cnn" (small_cnn: input_channels,
                    channels [16, 32, 64], batch_normalization true)
                    | "resnet50" (torchvision ResNet-50, BatchNorm in training
                    mode; resnet: its shape in torchvision's keys; weights:
                    a torchvision checkpoint, else random initialisation)
          head      hidden_width 1024, embedding_width 128,
                    hidden_activation "relu", output_activation "sigmoid"
          objective kind "lossless" (width N and beta: default the
                    embedding width; epsilon 1e-8) | "margin" |
                    "batch_hard" | "semi_hard" (margin 1, distance
                    "squared_euclidean" | "cosine", classes_per_batch 8,
                    images_per_class 4)
          triplets_per_batch  random triplets per step (default 32)
          flip_probability    horizontal flips in training (default 0)
          normalization       {"mean": [..], "std": [..]} of sample/255
                              (default Fashion-MNIST's)
          evaluation  triplets 10000, seed 2024, threshold of the
                      similarity test (default N/2 for lossless, else the
                      margin), validation_per_class (per-epoch subset)
        contrastive (tasks "contrastive" and "clip_from_scratch"; examples
        configs/shapes-clip-from-scratch.json, configs/shapes-lit.json)
          data      source "synthetic_shapes" (shapes_count,
                    shapes_validation_count, shapes_canvas,
                    shapes_held_out_fraction) | "csv" | "jsonl" | "coco"
                    (path, validation_path, image_root (default: the
                    manifest's folder), image_key "image", caption_key
                    "caption", separator ",")
          model     contrastive: "clipkit-default" (EfficientNet-Lite0 pooled
                    features + all-MiniLM-L6-v2, new projections) or a
                    CLIP checkpoint path (OpenCLIP .bin/.safetensors,
                    OpenAI .pt, Hugging Face folder) or a repository
                    pulled with `clipkit models pull ORG/NAME`
          model_activation  MLP activation of a checkpoint read by
                    shape: "quick_gelu" (default, OpenAI) | "gelu"
          model_head_width  attention head width of such a checkpoint
                    (default 64; width / heads for clip_from_scratch's)
          tokenizer CLIP BPE merges file (default: the installed
                    clip/bpe_simple_vocab_16e6.txt.gz)
          architecture  clip_from_scratch's CLIP: embed_dim 64,
                    activation "gelu", vision {image_size 64,
                    patch_size 8, width 64, layers 2, heads 4}, text
                    {context_length 16, vocab_size 49408, width 64,
                    layers 2, heads 4}
          locking   image_tower, text_tower, projections_only
                    (LiT = {"image_tower": true}; projections_only keeps
                    CLIP's proj/text_projection trainable)
          batch_size 32, embedding_width (towers without projections;
          default 256), initial_log_scale ln(1/0.07), learns_scale true,
          augmentation {crop_scale [low, high], flip_probability},
          preprocessing (image_size, mean, std, interpolation,
          resize_mode)
        diffusion (tasks "diffusion" and "ip_adapter"; example
        configs/orl-diffusion.json)
          data      person_folders "data/orl-faces", attributes (the
                    face attribute table), people [first, end) and
                    validation_people [first, end) folder positions
                    (default [0, 27] and [27, 40]), image_size 32,
                    channels 1 (grey) or 3; source "person_folders"
                    (default; diffusion reads only these)
          unet_config       a diffusers UNet2DConditionModel config.json
                    (diffusion; cross_attention_dim 384 for MiniLM)
          scheduler_config  a diffusers scheduler_config.json (default
                    DDPM, linear betas 1e-4..0.02, 1000 steps)
          base_model        ip_adapter: the model/ folder of a diffusion run
          text_encoder "minilm", context_length 24, image_encoder
          "efficientnet-lite0", batch_size 32, text_dropout 0.1,
          ema_decay (default none)
          adapter   ip_adapter: tokens 4, references "self" |
                    "leave_one_out", aggregation "mean" | "max" | "concat"
                    | "attention", heads 8, image_dropout, text_dropout,
                    both_dropout (0.05 each), initial_adapter
        sa_clip (task "sa_clip", relation-aware CLIP; examples
        configs/saclip-clevr.json, configs/saclip-baseline.json)
          data      source "scenes" (generated: spatial_count 2400,
                    traffic_count 0, validation_count 400,
                    traffic_validation_count 0, image_size 128,
                    held_out_fraction 0.25, held_out_configurations
                    ["front-left", "behind-right"]: kept out of training,
                    single_axis_captions 0: fraction of training diagonal
                    scenes captioned by one axis, "in front of" for
                    front-right, the negative flipping that axis,
                    cyclist_lane_car false: cyclist frames show a car
                    ahead in the cyclist's lane, "A cyclist is following
                    the car." / "... facing the oncoming car.")
                    | "vsr_jsonl" (path, validation_path, image_root: VSR
                    lines with boxes)
          model     "clipkit-default" (EfficientNet-Lite0 + MiniLM, new
                    projections) or any model name or path
          input_size  side the image tower sees (default: the tower's)
          relation_features  true (SA-CLIP) | false (dual-encoder
                    baseline); embedding_width 256, relation_width 256
          anchors_per_batch 32 (a batch holds 2N examples),
          locks_image_tower true, region_margin 0.15,
          region_encoding "sum" (f_v(ROI) + Embed(box)) | "lxmert"
                    ((LN(W f_v(ROI) + b) + Embed(box)) / 2),
          heads_learning_rate_scale 1 (the added layers' lr / the towers')
          unlocked_image_blocks 0 (the locked tower's last blocks and head
                    that train anyway; their input maps are cached)
          region_fusion "linear" (Eq. 7) | "mlp" (+ W2 GELU(W1 [r_s; r_o]),
                    W2 zero at start: combines a region with its box)
          objective text_weight 1, image_weight 1, triplet_weight 1,
                    contrastive_weight 0, temperature 0.1, margin 0.2,
                    positives "triple" | "relation", traffic_positives
                    (the same for traffic frames; default: positives),
                    negative_grounding "shared" (Eq. 10: u' against the
                    caption's regions) | "own" (u' against the image
                    grounded to its own object, as Eq. 11 grounds),
                    single_axis_positives "caption" (default: a scene
                    captioned by one axis is keyed by its caption) |
                    "scene" (by its configuration, L_u and L_v) |
                    "scene_for_images" (L_u by caption, L_v by scene) |
                    "texts_only" (L_u by caption; left out of L_v)
        stylegan (task "stylegan", StyleGAN2 pretraining; example
        configs/text2face-generator.json)
          data      person_folders "data/orl-faces", people [0, 27],
                    image_size 64 (a power of two), channels 1 | 3;
                    or source "fashion_mnist" with fashion_mnist_folder
                    "/usr/share/datasets/fashion-mnist", items [0, 6000]
                    (of the idx training set; padded to 32x32; example
                    configs/text2face-fashion-generator.json)
          style_dim 128, n_mlp 8, lr_mlp 0.01, channels (one count per
                    resolution 4..image_size; default [128,128,64,32,16])
          batch_size 16, r1_gamma 1, r1_interval 16 (lazy R1),
          augmentation ["color","translation","cutout"] (DiffAugment),
          ema_decay 0.999 (saved g_ema), mean_latent_decay 0.995,
          sample_count 16 (samples.png); optimizer: StyleGAN2 uses adam,
          beta1 0, beta2 0.99, learning_rate 0.002
        captioner (task "captioner", the text-to-face captioner and face
        attribute classifier; example configs/text2face-captioner.json)
          data      as diffusion's; image_size 128 (the side EfficientNet-
                    Lite0 sees: ceil(size/32)^2 regions); or source
                    "fashion_mnist": fashion_mnist_folder, items [0, 6000]
                    of the idx training set, validation_items [0, 1000] of
                    the test set (null: none); captions from the class
                    and the measured tone and size, the classifier reads
                    the class (configs/text2face-fashion-captioner.json)
          embedding_width 128, hidden_width 256, attention_width 128,
          gated true, attention_penalty 1 (lambda of the doubly
          stochastic term), batch_size 32, minimum_word_count 1,
          beam_width 3 (evaluation), attribute_steps 300,
          attribute_learning_rate 0.01
        text2face (task "text2face", the text -> w mapping of text-to-face
        trained through the frozen generator and captioner; example
        configs/text2face-mapping.json)
          data      as diffusion's (people train, validation_people score),
                    or as captioner's source "fashion_mnist" (items train,
                    validation_items score; configs/text2face-fashion-
                    mapping.json)
          generator "runs/text2face-generator" (a stylegan run),
          captioner "runs/text2face-captioner" (a captioner run),
          text_model "clipkit-default" (its text tower gives s)
          supervision "text_reconstruction" (Eq. 10) | "clip_similarity"
                    (ablation: 1 - cos of the model's image and text
                    embeddings instead of L_TRL)
          kl_weight 1, supervision_weight 5, batch_size 8, truncation 1,
          initialize_from_generator true, validation_captions 32,
          sample_count 16, log_variance_bias (default none: the CA
          layer's own draw; e.g. -4 starts sigma at 0.14 so z ~ mu(s)),
          mapping_learning_rate_scale 1 (the mapping network's rate
                    relative to the optimiser's, on top of its own 0.01
                    equalised multiplier; 0 freezes it, so w stays in
                    the generator's W), center_text_features false (true:
                    CA trains on s minus the training captions' mean s,
                    folded into its bias on saving);
          the paper: sgd, learning_rate 1e-4, momentum 0.9
        """
}
