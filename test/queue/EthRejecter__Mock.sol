// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice A receiver that rejects ETH until told otherwise.
contract EthRejecter__Mock {
    bool public accept;

    function setAccept(bool a) external {
        accept = a;
    }

    receive() external payable {
        require(accept, "no ETH");
    }
}
