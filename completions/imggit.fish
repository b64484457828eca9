function __imggit_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __imggit_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __imggit_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __imggit_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __imggit_parse_tokens -S
    set -l unparsed_tokens (__imggit_tokens -pc)
    switch $unparsed_tokens[1]
    case 'imggit'
        __imggit_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'log'
            __imggit_parse_subcommand -r 1 'all' 'graph' 'oneline' 'stat' 'n/max-count=' 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'platform=' 'json' 'git-ids' 'git=' 'version' 'h/help'
        case 'show'
            __imggit_parse_subcommand 1 'stat' 'name-status' 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'platform=' 'json' 'git-ids' 'git=' 'version' 'h/help'
        case 'diff'
            __imggit_parse_subcommand 2 'stat' 'name-status' 'exit-code' 'q/quiet' 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'platform=' 'json' 'version' 'h/help'
        case 'commit'
            __imggit_parse_subcommand 1 'm/message=' 't/tag=' 'add=+' 'rm=+' 'env=+' 'cmd=' 'entrypoint=' 'workdir=' 'user=' 'label=+' 'compression=' 'level=' 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'platform=' 'json' 'q/quiet' 'version' 'h/help'
        case 'merge'
            __imggit_parse_subcommand -r 1 'squash' 'strategy=' 't/tag=' 'm/message=' 'compression=' 'level=' 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'platform=' 'json' 'q/quiet' 'version' 'h/help'
        case 'rebase'
            __imggit_parse_subcommand -r 1 'onto=' 'all' 't/tag=' 'strict' 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'platform=' 'json' 'q/quiet' 'version' 'h/help'
        case 'tag'
            __imggit_parse_subcommand 2 'd/delete=+' 'f/force' 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'platform=' 'json' 'q/quiet' 'version' 'h/help'
        case 'reset'
            __imggit_parse_subcommand 2 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'platform=' 'json' 'q/quiet' 'version' 'h/help'
        case 'reflog'
            __imggit_parse_subcommand 1 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'json' 'version' 'h/help'
        case 'import'
            __imggit_parse_subcommand 1 't/tag=' 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'json' 'q/quiet' 'version' 'h/help'
        case 'export'
            __imggit_parse_subcommand 1 'o/output=' 'format=' 'n/name=' 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'platform=' 'q/quiet' 'version' 'h/help'
        case 'extract'
            __imggit_parse_subcommand -r 2 'layer' 'C=' 'o/output=' 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'platform=' 'q/quiet' 'version' 'h/help'
        case 'pull'
            __imggit_parse_subcommand 1 't/tag=' 'platform=' 'layers=' 'index' 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'json' 'q/quiet' 'version' 'h/help'
        case 'push'
            __imggit_parse_subcommand 2 'all' 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'platform=' 'json' 'q/quiet' 'version' 'h/help'
        case 'login'
            __imggit_parse_subcommand 1 'u/username=' 'password-stdin' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'q/quiet' 'version' 'h/help'
        case 'logout'
            __imggit_parse_subcommand 1 'q/quiet' 'version' 'h/help'
        case 'init'
            __imggit_parse_subcommand 1 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'q/quiet' 'version' 'h/help'
        case 'fsck'
            __imggit_parse_subcommand 0 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'json' 'q/quiet' 'version' 'h/help'
        case 'gc'
            __imggit_parse_subcommand 0 'dry-run' 'expire-reflog=' 'grace=' 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'json' 'q/quiet' 'version' 'h/help'
        case 'mirror'
            __imggit_parse_subcommand -r 1 'git=' 'content' 'all' 'store=' 'offline' 'insecure' 'creds=' 'jobs=' 'cert=' 'timeout=' 'platform=' 'json' 'q/quiet' 'version' 'h/help'
        case 'help'
            __imggit_parse_subcommand -r 1 'version'
        end
    end
end

function __imggit_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __imggit_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __imggit_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __imggit_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__imggit_tokens -p)
    if test -z "$(__imggit_tokens -t)"
        set -l index (count (__imggit_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'imggit' -f
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'log' -d 'Show commits (history entries and their layers), newest first.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'show' -d 'Show a commit and the paths its layer adds, modifies and deletes.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'diff' -d 'Show the file-level difference between two root filesystems.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'commit' -d 'Append a layer (or a config-only step) to an image, without a daemon.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'merge' -d 'Squash a range of commits into one layer (COMPRESS), or merge two images.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'rebase' -d 'Move an image\'s own layers onto a new or patched base.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'tag' -d 'List tags, tag any commit, or delete tags.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'reset' -d 'Move a tag to another commit.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'reflog' -d 'Show every move of a tag, newest first.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'import' -d 'Copy images into the store from an archive or an OCI layout.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'export' -d 'Write an image as a tarball for docker load, podman load or skopeo.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'extract' -d 'Write a commit\'s root filesystem, or only its layer\'s changes, to a folder or a tar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'pull' -d 'Fetch an image from a registry into the store.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'push' -d 'Send an image of the store to a registry.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'login' -d 'Check and store credentials for a registry.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'logout' -d 'Remove the stored credentials of a registry.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'init' -d 'Create an empty image store (an OCI image layout).'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'fsck' -d 'Verify every blob and every image of the store.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'gc' -d 'Delete blobs and caches that no tag and no reflog entry reaches.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'mirror' -d 'Write the image history into a real git repository (through libgit2).'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit log" -ge 1' -fka '(__imggit_custom_completion ---completion log -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" all' -l 'all' -d 'Show the commits of every tagged image.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" graph' -l 'graph' -d 'Draw the commit graph.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" oneline' -l 'oneline' -d 'One line per commit.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" stat' -l 'stat' -d 'List the paths each layer adds, modifies and deletes, with sizes.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" max-count n' -s 'n' -l 'max-count' -d 'Show at most N commits.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" platform' -l 'platform' -d 'The image of a multi-platform index to show or report (default: the host\'s). Rewrites change every platform.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" git-ids' -l 'git-ids' -d 'Show the git commit id of each commit in the mirror (run `imggit mirror` first).'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" git' -l 'git' -d 'The mirror to read (default: .imggit/mirror.git in the store).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit log" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit show" -eq 1' -fka '(__imggit_custom_completion ---completion show -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" stat' -l 'stat' -d 'Sizes per path and a summary.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" name-status' -l 'name-status' -d 'Only the A/M/D lines.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" platform' -l 'platform' -d 'The image of a multi-platform index to show or report (default: the host\'s). Rewrites change every platform.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" git-ids' -l 'git-ids' -d 'Show the git commit id of each commit in the mirror (run `imggit mirror` first).'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" git' -l 'git' -d 'The mirror to read (default: .imggit/mirror.git in the store).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit diff" -eq 1' -fka '(__imggit_custom_completion ---completion diff -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit diff" -eq 2' -fka '(__imggit_custom_completion ---completion diff -- positional@1 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" stat' -l 'stat' -d 'Sizes per path and a summary.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" name-status' -l 'name-status' -d 'Only the A/M/D lines (the default).'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" exit-code' -l 'exit-code' -d 'Exit with status 1 when there are differences.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" q quiet' -l 'quiet' -s 'q' -d 'Print nothing; exit with status 1 when there are differences.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" platform' -l 'platform' -d 'The image of a multi-platform index to show or report (default: the host\'s). Rewrites change every platform.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit diff" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit commit" -eq 1' -fka '(__imggit_custom_completion ---completion commit -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" m message' -l 'message' -s 'm' -d 'The step\'s created_by, shown by log.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" t tag' -l 'tag' -s 't' -d 'Tag the result NAME[:TAG] (default: move IMAGE\'s tag).' -rfka '(__imggit_custom_completion ---completion commit -- --tag (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit"' -l 'add' -d 'Copy a host file or folder into the image.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit"' -l 'rm' -d 'Remove a path of the image.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit"' -l 'env' -d 'Set an environment variable.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" cmd' -l 'cmd' -d 'Set the command (JSON array, or a shell command).' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" entrypoint' -l 'entrypoint' -d 'Set the entrypoint (JSON array, or a shell command).' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" workdir' -l 'workdir' -d 'Set the working folder.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" user' -l 'user' -d 'Set the user.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit"' -l 'label' -d 'Set a label.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" compression' -l 'compression' -d 'Layer compression: gzip, zstd or none.' -rfka 'none gzip zstd'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" level' -l 'level' -d 'Compression level. gzip: without it, ISA-L on every core (within 5% of gzip -6\'s size); 1-9 is gzip -N\'s ratio or better, made by libdeflate (7-9 all at its level 7, which already beats gzip -9), 10-12 libdeflate\'s slowest and smallest, also on every core. zstd: 1-22, default 3 (20-22 search deeper within level 19\'s 8 MiB window).' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" platform' -l 'platform' -d 'The image of a multi-platform index to show or report (default: the host\'s). Rewrites change every platform.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit commit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" squash' -l 'squash' -d 'Make one layer of the commits merged.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit merge" -ge 1' -fka '(__imggit_custom_completion ---completion merge -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" strategy' -l 'strategy' -d 'Who wins a path both sides changed: theirs (B) or ours (A, needs --squash).' -rfka 'ours theirs'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" t tag' -l 'tag' -s 't' -d 'Tag the result NAME[:TAG] (default: move IMAGE\'s tag).' -rfka '(__imggit_custom_completion ---completion merge -- --tag (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" m message' -l 'message' -s 'm' -d 'created_by of the new commit.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" compression' -l 'compression' -d 'Layer compression: gzip, zstd or none.' -rfka 'none gzip zstd'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" level' -l 'level' -d 'Compression level. gzip: without it, ISA-L on every core (within 5% of gzip -6\'s size); 1-9 is gzip -N\'s ratio or better, made by libdeflate (7-9 all at its level 7, which already beats gzip -9), 10-12 libdeflate\'s slowest and smallest, also on every core. zstd: 1-22, default 3 (20-22 search deeper within level 19\'s 8 MiB window).' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" platform' -l 'platform' -d 'The image of a multi-platform index to show or report (default: the host\'s). Rewrites change every platform.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit merge" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" onto' -l 'onto' -d 'The new base.' -rfka '(__imggit_custom_completion ---completion rebase -- --onto (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit rebase" -ge 1' -fka '(__imggit_custom_completion ---completion rebase -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" all' -l 'all' -d 'Rebase every tagged image that descends from OLD.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" t tag' -l 'tag' -s 't' -d 'Tag the result NAME[:TAG] (default: move IMAGE\'s tag).' -rfka '(__imggit_custom_completion ---completion rebase -- --tag (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" strict' -l 'strict' -d 'Refuse when the conflict check finds anything.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" platform' -l 'platform' -d 'The image of a multi-platform index to show or report (default: the host\'s). Rewrites change every platform.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit rebase" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit tag" -eq 1' -fka '(__imggit_custom_completion ---completion tag -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit tag" -eq 2' -fka '(__imggit_custom_completion ---completion tag -- positional@1 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag"' -l 'delete' -s 'd' -d 'Delete these tags (their images stay in the reflog).' -rfka '(__imggit_custom_completion ---completion tag -- --delete (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" f force' -l 'force' -s 'f' -d 'Move the tag if it exists already.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" platform' -l 'platform' -d 'The image of a multi-platform index to show or report (default: the host\'s). Rewrites change every platform.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit tag" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit reset" -eq 1' -fka '(__imggit_custom_completion ---completion reset -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit reset" -eq 2' -fka '(__imggit_custom_completion ---completion reset -- positional@1 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" platform' -l 'platform' -d 'The image of a multi-platform index to show or report (default: the host\'s). Rewrites change every platform.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reset" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit reflog" -eq 1' -fka '(__imggit_custom_completion ---completion reflog -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reflog" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reflog" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reflog" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reflog" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reflog" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reflog" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reflog" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reflog" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reflog" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit reflog" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit import" -eq 1' -F
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" t tag' -s 't' -l 'tag' -d 'Tag the imported image NAME[:TAG] (one image only).' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit export" -eq 1' -fka '(__imggit_custom_completion ---completion export -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" o output' -l 'output' -s 'o' -d 'Output file, or - for standard output.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" format' -l 'format' -d 'Archive format: docker or oci.' -rfka 'docker oci'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" n name' -l 'name' -s 'n' -d 'The name to record in the archive (default: the tag used, if any).' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" platform' -l 'platform' -d 'The image of a multi-platform index to show or report (default: the host\'s). Rewrites change every platform.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit extract" -eq 1' -fka '(__imggit_custom_completion ---completion extract -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit extract" layer' -l 'layer' -d 'Only this commit\'s own layer.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit extract" C' -s 'C' -d 'Write into this folder.' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit extract" o output' -l 'output' -s 'o' -d 'Write a tar to this file (- for standard output).' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit extract" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit extract" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit extract" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit extract" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit extract" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit extract" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit extract" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit extract" platform' -l 'platform' -d 'The image of a multi-platform index to show or report (default: the host\'s). Rewrites change every platform.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit extract" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit extract" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit extract" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" t tag' -s 't' -l 'tag' -d 'Tag the image NAME[:TAG] (default: the reference\'s name).' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" platform' -l 'platform' -d 'Whose layers to fetch from a multi-platform image.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" layers' -l 'layers' -d 'Layers to fetch now: all, none (a partial image) or top (the newest only).' -rfka 'all none top'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" index' -l 'index' -d 'Read each layer fetched before tagging: check its DiffID and index its files.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit pull" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit push" -eq 1' -fka '(__imggit_custom_completion ---completion push -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit push" all' -l 'all' -d 'Push every tag NAME:TAG to REGISTRY/NAMESPACE/NAME:TAG.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit push" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit push" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit push" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit push" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit push" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit push" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit push" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit push" platform' -l 'platform' -d 'The image of a multi-platform index to show or report (default: the host\'s). Rewrites change every platform.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit push" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit push" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit push" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit push" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit login" u username' -s 'u' -l 'username' -d 'The user name.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit login" password-stdin' -l 'password-stdin' -d 'Read the password from standard input.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit login" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit login" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit login" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit login" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit login" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit login" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit login" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit login" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit logout" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit logout" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit logout" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit init" -eq 1' -fa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit init" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit init" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit init" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit init" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit init" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit init" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit init" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit init" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit init" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit fsck" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit gc" dry-run' -l 'dry-run' -d 'Report what would be deleted; delete nothing.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit gc" expire-reflog' -l 'expire-reflog' -d 'Drop reflog entries older than this first (30d, 12h, 45m, 90s, 0).' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit gc" grace' -l 'grace' -d 'Keep blobs younger than this (default 1h).' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit gc" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit gc" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit gc" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit gc" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit gc" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit gc" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit gc" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit gc" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit gc" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit gc" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit gc" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" git' -l 'git' -d 'The bare repository (default: .imggit/mirror.git in the store).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" content' -l 'content' -d 'Mirror files\' bytes instead of their metadata.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" all' -l 'all' -d 'Every tagged image (the default when no REV is given).'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_positional "imggit mirror" -ge 1' -fka '(__imggit_custom_completion ---completion mirror -- positional@0 (count (__imggit_tokens -pc)) (__imggit_tokens -tC))'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" store' -l 'store' -d 'The image store (an OCI layout folder).' -rfa '(__imggit_complete_directories)'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" offline' -l 'offline' -d 'Never reach a registry: a layer a partial image only promises is an error.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" insecure' -l 'insecure' -d 'Use plain HTTP, for loopback and lab registries.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" creds' -l 'creds' -d 'Credentials for the registry the command names, winning over the auth file; other registries get the auth file\'s.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" jobs' -l 'jobs' -d 'How many blobs to move at once.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" cert' -l 'cert' -d 'A PEM file of CA certificates to trust for the registry.' -rF
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" timeout' -l 'timeout' -d 'Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" platform' -l 'platform' -d 'The image of a multi-platform index to show or report (default: the host\'s). Rewrites change every platform.' -rfka ''
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" json' -l 'json' -d 'Print JSON for scripts instead of text.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors and warnings: no summary, no progress bar.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" version' -l 'version' -d 'Show the version.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit mirror" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imggit' -n '__imggit_should_offer_completions_for_flags_or_options "imggit help" version' -l 'version' -d 'Show the version.'
